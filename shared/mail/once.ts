/**
 * Exactly-once email per workflow event. A Step Functions task may run twice (a retry after a timeout, a redriven
 * execution), and each run would send its email again; sendOnce records a marker under the jurisdiction's key
 * (keys.mailMarker) for each (event, recipient) and sends only when the marker lets it.
 *
 * Two phases with a lease, because no mail transport can take part in a DynamoDB transaction:
 *   1. claim: a conditional update sets `sending` with a random lease id and a lease end, if the marker is absent,
 *      `failed`, or `sending` with its lease run out (the worker holding it died) or with this very lease (the same
 *      claim sent again by the SDK after its answer was lost);
 *   2. send, then `sent` (with the message id) or, if the transport failed, `failed` (a retry may claim at once).
 * A crash between claim and send leaves `sending`: the next retry after the lease sends it, so no email is lost.
 * The one window left is a crash after the transport accepted the message and before `sent` was written: then the
 * retry after the lease sends it again. That is chosen over the opposite (marking `sent` first loses the email on a
 * crash): a duplicate notice is a nuisance, a lost one leaves a child's review waiting. Sends are time-limited well
 * under the lease (./send.ts), so a live worker never loses its lease mid-send.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { ServiceUnavailableError } from '#shared/errors.ts';
import { parseOrThrow, validationFailed } from '#shared/http/validation.ts';
import { logger } from '#shared/logger.ts';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, partitions } from '#shared/storage/keys.ts';
import type { Item, ScopedKey, ScopedTable } from '#shared/storage/scoped-table.ts';
import type { SentMail } from './mailer.ts';
import { parseMailMessage, type MailKind, type MailMessage } from './message.ts';

/** How long a claim holds: longer than a send can take (./send.ts timeouts) and than the sending task's timeout. */
export const MAIL_LEASE_SECONDS = 300;
/** Markers outlive the longest workflow run (a year) and are then removed by the table's TTL. */
export const MAIL_MARKER_DAYS = 400;

/**
 * The event an email belongs to: a record's submission (with a round when one submission can cause the same kind
 * more than once, e.g. a second escalation), or the day of a reminder digest.
 */
export type MailOccasion =
  | { recordId: string; submissionId: string; round?: number }
  | { day: string }
  /**
   * A survey invitation (round 0) or its reminders (1, 2): keyed by the opaque invitation id, never by an address, and
   * kept in the wave's staff list partition, so the markers are deleted with the list when the wave closes.
   */
  | { survey: { waveId: string; invitationId: string }; round: number }
  /** A report period's release: one digest per recipient and period, whichever run published it (reruns send none). */
  | { report: { cadence: string; periodId: string } }
  /**
   * One version of a partner's published safety notice: one email per contact of each recipient jurisdiction, its
   * marker in that jurisdiction's own MAIL partition (the table handle given is the recipient's).
   */
  | { notice: { issuerId: string; recordId: string; version: number } }
  /**
   * A notice's deadline (its kind and day) that the recipient's jurisdiction let pass: one escalation to each of its
   * admins, the marker in that jurisdiction's MAIL partition. An update that moves the deadline makes a new one.
   */
  | { noticeDeadline: { issuerId: string; recordId: string; deadline: 'acknowledgement' | 'action'; due: string } };

/** The kinds a notice occasion takes: version 1 is published, a later one updated or withdrawn. */
const NOTICE_KINDS: readonly MailKind[] = ['notice_published', 'notice_updated', 'notice_withdrawn'];
/** The kind a notice deadline's occasion takes. */
const NOTICE_DEADLINE_KINDS: readonly MailKind[] = ['notice_escalation'];

export interface SendOnceResult {
  /** `sent` now, or `already_sent` by an earlier run (nothing was sent this time). */
  status: 'sent' | 'already_sent';
  messageId: string;
}

/** Another run holds the claim and may be sending right now: retry after MAIL_LEASE_SECONDS. */
export class MailInFlightError extends ServiceUnavailableError {
  // Spelled out: the bundles are minified (class names mangled), and the workflow retries this error by its name.
  override readonly name = 'MailInFlightError';
  constructor(kind: MailKind) {
    super(`The ${kind} message of this event is being sent by another run; retry later`);
  }
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const JURISDICTION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const isRealDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
const occasionSchema = z.lazy(() =>
  z.union([
    z.strictObject({
      recordId: z.string().check(z.regex(ID, 'recordId is 1-128 letters, digits, "-" or "_"')),
      submissionId: z.string().check(z.regex(ID, 'submissionId is 1-128 letters, digits, "-" or "_"')),
      round: z.optional(z.number().check(z.int('round is a whole number'), z.minimum(1, 'round starts at 1'), z.maximum(10_000))),
    }),
    z.strictObject({
      survey: z.strictObject({
        waveId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'waveId is a wave id')),
        invitationId: z.string().check(z.regex(ID, 'invitationId is 1-128 letters, digits, "-" or "_"')),
      }),
      round: z.number().check(z.int('round is a whole number'), z.minimum(0), z.maximum(2)),
    }),
    z.strictObject({
      report: z.strictObject({
        cadence: z.enum(['monthly', 'quarterly']),
        periodId: z.string().check(z.regex(/^\d{4}-(?:0[1-9]|1[0-2]|Q[1-4])$/, 'periodId is YYYY-MM or YYYY-Qn')),
      }),
    }),
    z.strictObject({
      notice: z.strictObject({
        issuerId: z.string().check(z.regex(JURISDICTION_ID, 'issuerId is a jurisdiction id')),
        recordId: z.string().check(z.regex(ID, 'recordId is 1-128 letters, digits, "-" or "_"')),
        version: z.number().check(z.int('version is a whole number'), z.minimum(1, 'version starts at 1'), z.maximum(999_999)),
      }),
    }),
    z.strictObject({
      noticeDeadline: z.strictObject({
        issuerId: z.string().check(z.regex(JURISDICTION_ID, 'issuerId is a jurisdiction id')),
        recordId: z.string().check(z.regex(ID, 'recordId is 1-128 letters, digits, "-" or "_"')),
        deadline: z.enum(['acknowledgement', 'action']),
        due: z.string().check(z.refine(isRealDay, 'due is a real date, YYYY-MM-DD')),
      }),
    }),
    z.strictObject({
      day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'day is a date, YYYY-MM-DD'), z.refine(isRealDay, 'day is not a real date')),
    }),
  ]),
);

/** An opaque, stable digest of a recipient (case and surrounding spaces ignored): the key never holds an address. */
export const recipientDigest = (address: string): string => createHash('sha256').update(address.trim().toLowerCase()).digest('base64url');

/**
 * The event key of one email: `<recordId>#<submissionId>#<kind>[-<round>]#<recipient digest>`,
 * `DIGEST#<day>#<kind>#<recipient digest>` for the daily reminder, or
 * `NOTICE#<issuerId>#<recordId>#V<version>#<kind>#<recipient digest>` for a notice version, or
 * `NOTICE#<issuerId>#<recordId>#DEADLINE#<deadline>#<due>#<kind>#<recipient digest>` for a notice deadline's escalation. Reminders must name a day; the other kinds a
 * record and submission (ValidationError otherwise).
 */
export function mailEventKey(kind: MailKind, occasion: MailOccasion, recipient: string): string {
  const o = parseOrThrow(occasionSchema, occasion, 'occasion') as MailOccasion;
  if ('survey' in o) {
    if (kind !== (o.round === 0 ? 'survey_invitation' : 'survey_reminder')) throw parseMismatch('A survey occasion takes the invitation (round 0) or a reminder (rounds 1 and 2)');
    return `${o.survey.invitationId}#${kind}${o.round ? `-${o.round}` : ''}`;
  }
  if (kind === 'survey_invitation' || kind === 'survey_reminder') throw parseMismatch('A survey email belongs to an invitation (survey: { waveId, invitationId })');
  const digest = recipientDigest(recipient);
  if ('report' in o) {
    if (kind !== 'report_published') throw parseMismatch(`The ${kind} message does not belong to a report period`);
    return `REPORT#${o.report.cadence}#${o.report.periodId}#${kind}#${digest}`;
  }
  if (kind === 'report_published') throw parseMismatch('A report email belongs to a report period (report: { cadence, periodId })');
  if ('notice' in o) {
    if (!NOTICE_KINDS.includes(kind)) throw parseMismatch(`The ${kind} message does not belong to a safety notice`);
    return `NOTICE#${o.notice.issuerId}#${o.notice.recordId}#V${o.notice.version}#${kind}#${digest}`;
  }
  if (NOTICE_KINDS.includes(kind)) throw parseMismatch('A notice email belongs to a notice version (notice: { issuerId, recordId, version })');
  if ('noticeDeadline' in o) {
    if (!NOTICE_DEADLINE_KINDS.includes(kind)) throw parseMismatch(`The ${kind} message does not belong to a notice deadline`);
    const d = o.noticeDeadline;
    return `NOTICE#${d.issuerId}#${d.recordId}#DEADLINE#${d.deadline}#${d.due}#${kind}#${digest}`;
  }
  if (NOTICE_DEADLINE_KINDS.includes(kind)) throw parseMismatch('A notice escalation belongs to a notice deadline (noticeDeadline: { issuerId, recordId, deadline, due })');
  if ('day' in o) {
    if (kind !== 'reminder') throw parseMismatch(`The ${kind} message belongs to a record's submission (recordId, submissionId), not a day`);
    return `DIGEST#${o.day}#${kind}#${digest}`;
  }
  if (kind === 'reminder') throw parseMismatch('A reminder digest belongs to a day (YYYY-MM-DD), not a record');
  return `${o.recordId}#${o.submissionId}#${kind}${o.round ? `-${o.round}` : ''}#${digest}`;
}

/** Where an email's marker lives: the jurisdiction's mail partition, or a survey wave's staff list. */
function markerKey(kind: MailKind, occasion: MailOccasion, to: string) {
  const event = mailEventKey(kind, occasion, to);
  return 'survey' in occasion ? keys.surveyMailMarker(occasion.survey.waveId, event) : keys.mailMarker(event);
}

const parseMismatch = (message: string) => validationFailed([{ field: 'occasion', message }]);

const isConditionFailure = (e: unknown) => (e as { name?: unknown })?.name === 'ConditionalCheckFailedException';

/** Where markers are kept: a jurisdiction's handle, or the partnership's (partnershipMarkers) for partnership-wide people. */
export type MarkerTable = Pick<ScopedTable, 'get' | 'update'>;

/**
 * The partnership's marker partition (`PARTNERSHIP#MAIL`): the emails to partnership leads, who belong to no
 * jurisdiction. Takes the same keys as a jurisdiction's handle (only the mail partition) and writes them there.
 */
export function partnershipMarkers(client: DynamoDBDocumentClient, tableName: string): MarkerTable {
  const keyOf = (key: ScopedKey) => {
    if (key.partition !== partitions.mail) throw new Error('The partnership marker table holds mail markers only');
    return keys.partnershipMailMarker(key.sk.replace(/^SENT#/, ''));
  };
  return {
    async get(key, opts) {
      const out = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(key), ConsistentRead: opts?.consistent ?? false }));
      return out.Item;
    },
    async update(u) {
      const out = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(u.key),
          UpdateExpression: u.update.expression,
          ...(u.condition ? { ConditionExpression: u.condition.expression } : {}),
          ExpressionAttributeNames: { ...u.update.names, ...u.condition?.names },
          ExpressionAttributeValues: { ...u.update.values, ...u.condition?.values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes;
    },
  };
}

export interface SendOnceInput {
  /** The jurisdiction's handle (or the partnership's markers): the marker lives under its key. */
  table: MarkerTable;
  occasion: MailOccasion;
  message: MailMessage;
  /** The sender (send.ts's sendMail in a function; a fake in tests). */
  send: (message: MailMessage) => Promise<SentMail>;
  now?: () => Date;
  leaseSeconds?: number;
}

/**
 * Whether this event's email to this recipient was sent already (its marker says `sent`): a caller that must do
 * work before composing (issuing the email's links) skips it for an email a retry would not send again.
 */
export async function mailSent(table: MarkerTable, kind: MailKind, occasion: MailOccasion, to: string): Promise<boolean> {
  const marker = await table.get(markerKey(kind, occasion, to), { consistent: true });
  return marker?.state === 'sent';
}

/** Tries of the write that settles a claim (sent, or failed), on top of the SDK's own retries. */
export const SETTLE_ATTEMPTS = 4;
const SETTLE_BACKOFF_MS = 100;

/**
 * Writes how a claim ended, trying again on a transient error: a claim left `sending` holds every other run's send of
 * this email for the whole lease, and once the lease runs out a retry would send an email that went out already. A
 * condition failure ends it: the write was carried out before (its answer was lost and the SDK sent it again) or the
 * lease was lost, and writing again would change nothing.
 */
async function settleMarker(write: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (e) {
      if (isConditionFailure(e)) return;
      if (attempt >= SETTLE_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * SETTLE_BACKOFF_MS * 2 ** attempt));
    }
  }
}

/**
 * Sends the message unless this event's email to this recipient was sent before. Returns what happened; throws
 * MailInFlightError while another run holds the claim, MailTransportError when the transport failed (the marker is
 * then `failed` and a retry sends), ValidationError for bad input (nothing written).
 */
export async function sendOnce(input: SendOnceInput): Promise<SendOnceResult> {
  const { table, send } = input;
  const message = parseMailMessage(input.message);
  const key = markerKey(message.kind, input.occasion, message.to);
  const now = (input.now ?? (() => new Date()))();
  const leaseId = randomUUID();
  // DynamoDB refuses a placeholder an expression does not use: each write names only its own.
  const names = { '#state': 'state', '#leaseId': 'leaseId', '#leaseUntil': 'leaseUntil' };

  try {
    await table.update({
      key,
      update: {
        expression: 'SET #kind = :kind, mailKind = :mailKind, #state = :sending, #leaseId = :lease, #leaseUntil = :until, expiresAt = :expires ADD attempts :one',
        names: { ...names, '#kind': 'kind' },
        values: {
          ':kind': 'mail_marker',
          ':mailKind': message.kind,
          ':sending': 'sending',
          ':lease': leaseId,
          ':until': now.getTime() + (input.leaseSeconds ?? MAIL_LEASE_SECONDS) * 1000,
          ':expires': Math.floor(now.getTime() / 1000) + MAIL_MARKER_DAYS * 86_400,
          ':one': 1,
        },
      },
      // Our own lease too: the SDK sends the same claim again when the answer to the first was lost, and that claim
      // was carried out; refusing it would take our own claim for another run's and hold the email for a lease.
      condition: {
        expression: 'attribute_not_exists(pk) OR #state = :failed OR (#state = :sending AND (#leaseUntil < :now OR #leaseId = :lease))',
        names: { '#state': 'state', '#leaseUntil': 'leaseUntil', '#leaseId': 'leaseId' },
        values: { ':failed': 'failed', ':sending': 'sending', ':now': now.getTime(), ':lease': leaseId },
      },
    });
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    const marker: Item | undefined = await table.get(key, { consistent: true });
    if (marker?.state === 'sent') {
      logger.info('mail already sent', { mailKind: message.kind });
      return { status: 'already_sent', messageId: String(marker.messageId) };
    }
    throw new MailInFlightError(message.kind);
  }

  let sent: SentMail;
  try {
    sent = await send(message);
  } catch (e) {
    const code = (e as { transportCode?: unknown; name?: unknown }).transportCode ?? (e as { name?: unknown }).name;
    await settleMarker(() =>
      table.update({
        key,
        update: { expression: 'SET #state = :failed, failedCode = :code REMOVE #leaseUntil', names, values: { ':failed': 'failed', ':code': String(code ?? 'unknown') } },
        condition: { expression: '#state = :sending AND #leaseId = :lease', names, values: { ':sending': 'sending', ':lease': leaseId } },
      }),
    ).catch((release: unknown) => logger.warn('mail marker not released; it frees itself when the lease ends', { mailKind: message.kind, error: (release as Error)?.name }));
    throw e;
  }

  try {
    await settleMarker(() =>
      table.update({
        key,
        update: {
          expression: 'SET #state = :sent, sentAt = :at, messageId = :messageId REMOVE #leaseId, #leaseUntil, failedCode',
          names,
          values: { ':sent': 'sent', ':at': (input.now ?? (() => new Date()))().toISOString(), ':messageId': sent.messageId },
        },
        condition: { expression: '#state = :sending AND #leaseId = :lease', names, values: { ':sending': 'sending', ':lease': leaseId } },
      }),
    );
  } catch (e) {
    // The email went out: answering with an error would make the task retry and send it again.
    logger.warn('mail sent but its marker was not updated', { mailKind: message.kind, error: (e as Error)?.name });
  }
  return { status: 'sent', messageId: sent.messageId };
}
