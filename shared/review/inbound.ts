/**
 * The reply function's work on one inbound message (docs/review.md, "Replies"): SES stored the raw message in the
 * inbound bucket and hands the receipt (recipients, SPF/DKIM/DMARC verdicts); this reads the message (refusing one
 * over MAX_REPLY_BYTES from its size alone), runs handleReply (reply-flow.ts), audits the outcome under the
 * jurisdiction of the reply address, and answers the sender once.
 *
 * Exactly once per inbound message: SES invokes the function asynchronously and Lambda retries a failed
 * invocation, so a record under the message id (keys.inboundReply) says how far it got:
 *   processing (a lease) -> settled (the outcome, kept) -> answering (a lease) -> done.
 * A retry after `settled` never runs handleReply again (the id is burned: it would answer "already used" to the
 * reply that decided); it audits (idempotent: the event id comes from the message id) and answers from the kept
 * outcome. A failed hand-off releases the id and the lease, so a retry decides. As with shared/mail/once.ts, a
 * crash after the transport took the answer and before `done` was written sends it again after the lease.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { timeSortableId } from '#shared/audit/ids.ts';
import type { Actor, AuditFacts } from '#shared/audit/model.ts';
import { newAuditEvent, writeAuditEvent } from '#shared/audit/store.ts';
import { ServiceUnavailableError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { SentMail } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { INBOUND_MAIL_KEPT_DAYS, MAX_REPLY_BYTES } from '#shared/policy.ts';
import { keys, type JurisdictionId } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { actionIdDigest, normalizeAddress, type Decision } from './action-ids.ts';
import { locateAction } from './action-store.ts';
import type { ReplyOutcome } from './reply-flow.ts';
import { authenticated, REFUSAL_MESSAGES, replyAddressId, type InboundReply } from './replies.ts';

/** What the reply function takes from one SES receipt (the Lambda action's event record). */
export interface InboundReceipt {
  /** SES's message id: the object key's last part, and the request id of everything the reply causes. */
  messageId: string;
  /** The envelope sender (mail.source). */
  envelopeFrom: string;
  /** The envelope recipients this rule matched (receipt.recipients). */
  recipients: string[];
  verdicts: InboundReply['verdicts'];
}

const verdict = z.object({ status: z.string() });
const sesEventSchema = z.lazy(() =>
  z.object({
    Records: z.array(
      z.object({
        eventSource: z.literal('aws:ses'),
        ses: z.object({
          // SES message ids are letters, digits and hyphens; the bound keeps them usable as an object key and a request id.
          mail: z.object({ messageId: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,128}$/)), source: z.string() }),
          receipt: z.object({ recipients: z.array(z.string()), spfVerdict: verdict, dkimVerdict: verdict, dmarcVerdict: verdict }),
        }),
      }),
    ),
  }),
);

/** The receipts of an SES Lambda-action event (one record per message). Throws on anything else. */
export function receiptsOf(event: unknown): InboundReceipt[] {
  return z.parse(sesEventSchema, event).Records.map(({ ses: { mail, receipt } }) => ({
    messageId: mail.messageId,
    envelopeFrom: mail.source,
    recipients: receipt.recipients,
    verdicts: { spf: receipt.spfVerdict.status, dkim: receipt.dkimVerdict.status, dmarc: receipt.dmarcVerdict.status },
  }));
}

/** The stored raw message: its size first (a HEAD), its bytes only when asked. */
export interface RawMessage {
  size: number;
  read: () => Promise<Uint8Array>;
}

export interface InboundDeps {
  client: DynamoDBDocumentClient;
  tableName: string;
  inboundDomain: string;
  /** The app's origin, for the answer's link. */
  appOrigin: string;
  fetchRaw: (messageId: string) => Promise<RawMessage>;
  /** handleReply with its dependencies; `requestId` is the SES message id. */
  handle: (message: InboundReply, requestId: string) => Promise<ReplyOutcome>;
  send: (message: MailMessage) => Promise<SentMail>;
  /** The jurisdiction's name for the answer, if it has one. */
  jurisdictionName?: (jurisdictionId: JurisdictionId) => Promise<string | undefined>;
  maxBytes?: number | undefined;
  now?: () => Date;
  leaseSeconds?: number;
}

/** What is kept of an outcome between retries: codes, ids and the fixed words of the answer; no reply text. */
export interface Settled {
  kind: ReplyOutcome['kind'];
  why?: string;
  action?: Decision;
  jurisdictionId?: JurisdictionId;
  recordId?: string;
  /** The deciding reviewer (decided only). */
  subject?: string;
  message?: string;
  /** Where to answer: kept only until the answer is sent. Unset: no answer (an unauthenticated sender, an auto-reply). */
  answerTo?: string;
  /** When the outcome was reached: the audit event's time (the same on every retry). */
  at: string;
}

export interface InboundResult {
  /** `duplicate`: this message was done by an earlier invocation; nothing was done now. */
  status: 'done' | 'duplicate';
  kind?: Settled['kind'];
  why?: string;
  answered?: boolean;
  /** The jurisdiction the outcome was audited under; unset when none could be told. */
  auditedIn?: JurisdictionId;
}

/** Another invocation holds this message (it is being read or answered): Lambda retries the event later. */
export class InboundInFlightError extends ServiceUnavailableError {
  constructor() {
    super('This inbound message is being handled by another invocation; retry later');
  }
}

/** Longer than the reply function's timeout (infra: 60 s), so a live invocation never loses its lease. */
export const INBOUND_LEASE_SECONDS = 120;

const digest = (messageId: string) => createHash('sha256').update(`npcs-inbound\n${messageId}`).digest();
const isConditionFailure = (e: unknown) => (e as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
const SYSTEM_SUBJECT = 'review-reply';

/** The outcome of a message that is not read at all (over the size limit), in readReply's words. */
function tooLarge(receipt: InboundReceipt): ReplyOutcome {
  const envelope = authenticated(receipt.verdicts) ? normalizeAddress(receipt.envelopeFrom) : undefined;
  return { kind: 'refused', why: 'too_large', message: REFUSAL_MESSAGES.too_large, ...(envelope ? { answerTo: envelope } : {}) };
}

function settledOf(outcome: ReplyOutcome, at: Date): Settled {
  const s: Settled = { kind: outcome.kind, why: outcome.kind === 'decided' ? outcome.action : outcome.why, at: at.toISOString() };
  if (outcome.kind === 'ignored') return s;
  if (outcome.jurisdictionId) s.jurisdictionId = outcome.jurisdictionId;
  if (outcome.recordId) s.recordId = outcome.recordId;
  if (outcome.answerTo) s.answerTo = outcome.answerTo;
  s.message = outcome.message;
  if (outcome.kind === 'decided') {
    s.action = outcome.action;
    s.subject = outcome.subject;
  }
  return s;
}

/** Handles one inbound message end to end; see the module comment for what a retry does. */
export async function processInbound(receipt: InboundReceipt, deps: InboundDeps): Promise<InboundResult> {
  const now = deps.now ?? (() => new Date());
  const marker = new Marker(deps, digest(receipt.messageId).toString('base64url'), now);
  let settled: Settled;
  const lease = randomUUID();
  if (await marker.claim('processing', lease)) {
    let outcome: ReplyOutcome;
    try {
      const raw = await deps.fetchRaw(receipt.messageId);
      outcome =
        raw.size > (deps.maxBytes ?? MAX_REPLY_BYTES)
          ? tooLarge(receipt)
          : await deps.handle({ raw: await raw.read(), recipients: receipt.recipients, verdicts: receipt.verdicts, envelopeFrom: receipt.envelopeFrom }, receipt.messageId);
    } catch (error) {
      // Nothing was decided (handleReply released the id): the next invocation may start over at once.
      await marker.release(lease);
      throw error;
    }
    settled = settledOf(outcome, now());
    await marker.settle(lease, settled);
  } else {
    const kept = await marker.read();
    if (kept?.state === 'done') return { status: 'duplicate' };
    if (!kept?.outcome) throw new InboundInFlightError();
    settled = kept.outcome;
  }
  const auditedIn = await audit(receipt, settled, deps);
  const answered = await answer(settled, marker, deps);
  logger.info('Inbound reply handled', { outcome: settled.kind, why: settled.why, jurisdictionId: auditedIn, recordId: settled.recordId, answered });
  return { status: 'done', kind: settled.kind, ...(settled.why ? { why: settled.why } : {}), answered, ...(auditedIn ? { auditedIn } : {}) };
}

/**
 * Audits the outcome under the jurisdiction of the reply address: the one handleReply found, or (for a message
 * refused before its address was looked up: unauthenticated, too large, an auto-reply) the one the envelope
 * recipient names, looked up here for the audit only. A reply to no known address is logged, not audited.
 */
async function audit(receipt: InboundReceipt, s: Settled, deps: InboundDeps): Promise<JurisdictionId | undefined> {
  let jurisdictionId = s.jurisdictionId;
  let recordId = s.recordId;
  if (!jurisdictionId || !recordId) {
    const actionId = replyAddressId(receipt.recipients, deps.inboundDomain);
    jurisdictionId ??= actionId ? await locateAction(deps.client, deps.tableName, actionId) : undefined;
    if (jurisdictionId && actionId) {
      const grant = await scopedTable(deps.client, deps.tableName, jurisdictionId).get(keys.reviewAction(actionIdDigest(actionId)), { consistent: true });
      if (typeof grant?.recordId === 'string') recordId = grant.recordId;
    }
  }
  if (!jurisdictionId) {
    logger.warn('Inbound reply not audited: its address names no known review email', { outcome: s.kind, why: s.why });
    return undefined;
  }
  const table = scopedTable(deps.client, deps.tableName, jurisdictionId);
  const at = new Date(s.at);
  const requestId = receipt.messageId;
  const actor: Actor =
    s.kind === 'decided' && s.subject
      ? { subject: s.subject, role: 'reviewer', jurisdictionId, requestId }
      : { subject: SYSTEM_SUBJECT, role: 'system', jurisdictionId, requestId };
  const facts: AuditFacts =
    s.kind === 'decided'
      ? { action: 'review.reply_accepted', ...(recordId ? { recordId } : {}), toStatus: s.action === 'approve' ? 'approved' : 'returned' }
      : { action: s.kind === 'ignored' ? 'review.reply_ignored' : 'review.reply_refused', ...(recordId ? { recordId } : {}), ...(s.why ? { reasonCode: s.why } : {}) };
  // The same id on every retry (from the message id), so a retried audit finds its event written and stops.
  const event = newAuditEvent(actor, facts, at, timeSortableId(at, digest(receipt.messageId).subarray(0, 10)));
  try {
    await writeAuditEvent(table, event);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  return jurisdictionId;
}

/** Sends the answer once (or nothing: no answerTo); the marker ends `done` either way. */
async function answer(s: Settled, marker: Marker, deps: InboundDeps): Promise<boolean> {
  if (!s.answerTo || !s.message) {
    await marker.finish(undefined);
    return false;
  }
  const lease = randomUUID();
  if (!(await marker.claim('answering', lease))) {
    if ((await marker.read())?.state === 'done') return false;
    throw new InboundInFlightError();
  }
  const jurisdictionName = s.jurisdictionId ? await deps.jurisdictionName?.(s.jurisdictionId) : undefined;
  const link = s.recordId && s.jurisdictionId ? `${deps.appOrigin}/records/${encodeURIComponent(s.recordId)}` : `${deps.appOrigin}/`;
  // The templates (preact) load with the first answer, not at every cold start.
  const { replyAnswerMail } = await import('#shared/mail/templates/reply-answer.tsx');
  const content = replyAnswerMail({ recorded: s.kind === 'decided', message: s.message, link, jurisdictionName });
  let sent: SentMail;
  try {
    sent = await deps.send({ kind: 'reply_answer', to: s.answerTo, ...content });
  } catch (error) {
    await marker.unclaimAnswer(lease);
    throw error;
  }
  await marker.finish(sent.messageId, lease);
  return true;
}

type MarkerItem = { state: 'processing' | 'settled' | 'answering' | 'done'; outcome?: Settled; leaseUntil?: number };

/** The record of one inbound message (keys.inboundReply): conditional writes only. */
class Marker {
  private readonly key: { pk: string; sk: string };

  constructor(
    private readonly deps: InboundDeps,
    messageDigest: string,
    private readonly now: () => Date,
  ) {
    this.key = keys.inboundReply(messageDigest);
  }

  private async update(update: string, condition: string, names: Record<string, string>, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.deps.client.send(
        new UpdateCommand({ TableName: this.deps.tableName, Key: this.key, UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async read(): Promise<MarkerItem | undefined> {
    const out = await this.deps.client.send(new GetCommand({ TableName: this.deps.tableName, Key: this.key, ConsistentRead: true }));
    return out.Item as MarkerItem | undefined;
  }

  /**
   * Takes the message for reading (new, or a reader whose lease ran out) or for answering (settled, or an answerer
   * whose lease ran out).
   */
  claim(phase: 'processing' | 'answering', lease: string): Promise<boolean> {
    const nowMs = this.now().getTime();
    const from = phase === 'processing' ? 'attribute_not_exists(pk)' : '#s = :settled';
    return this.update(
      'SET #s = :phase, #l = :lease, #u = :until, #k = :kind, expiresAt = if_not_exists(expiresAt, :expires) ADD attempts :one',
      `${from} OR (#s = :phase AND #u < :now)`,
      { '#s': 'state', '#l': 'leaseId', '#u': 'leaseUntil', '#k': 'kind' },
      {
        ':phase': phase,
        ':lease': lease,
        ':until': nowMs + (this.deps.leaseSeconds ?? INBOUND_LEASE_SECONDS) * 1000,
        ':now': nowMs,
        ':kind': 'inbound_reply',
        ':expires': Math.floor(nowMs / 1000) + INBOUND_MAIL_KEPT_DAYS * 86_400,
        ':one': 1,
        ...(phase === 'answering' ? { ':settled': 'settled' } : {}),
      },
    );
  }

  /** Gives a failed read back at once (its lease ends now). */
  async release(lease: string): Promise<void> {
    await this.update('SET #u = :zero', '#s = :processing AND #l = :lease', { '#s': 'state', '#l': 'leaseId', '#u': 'leaseUntil' }, { ':zero': 0, ':processing': 'processing', ':lease': lease });
  }

  async settle(lease: string, settled: Settled): Promise<void> {
    const ok = await this.update(
      'SET #s = :settled, outcome = :outcome REMOVE #l, #u',
      '#s = :processing AND #l = :lease',
      { '#s': 'state', '#l': 'leaseId', '#u': 'leaseUntil' },
      { ':settled': 'settled', ':outcome': settled, ':processing': 'processing', ':lease': lease },
    );
    // Only when this invocation outlived its lease (longer than the function may run): say so loudly.
    if (!ok) throw new InboundInFlightError();
  }

  /** A failed send: back to `settled`, so a retry answers. */
  async unclaimAnswer(lease: string): Promise<void> {
    await this.update('SET #s = :settled REMOVE #l, #u', '#s = :answering AND #l = :lease', { '#s': 'state', '#l': 'leaseId', '#u': 'leaseUntil' }, { ':settled': 'settled', ':answering': 'answering', ':lease': lease });
  }

  /** Done: the answer's address is dropped (kept only while an answer was owed). */
  async finish(sentMessageId: string | undefined, lease?: string): Promise<void> {
    const names = { '#s': 'state', '#o': 'outcome', '#a': 'answerTo', '#l': 'leaseId', '#u': 'leaseUntil' };
    await this.update(
      `SET #s = :done${sentMessageId ? ', answerMessageId = :mid' : ''} REMOVE #o.#a, #l, #u`,
      lease ? '#s = :answering AND #l = :lease' : '#s = :settled',
      names,
      { ':done': 'done', ...(sentMessageId ? { ':mid': sentMessageId } : {}), ...(lease ? { ':answering': 'answering', ':lease': lease } : { ':settled': 'settled' }) },
    );
  }
}
