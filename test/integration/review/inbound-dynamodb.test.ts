import { createHash, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MailTransportError } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { ActionIds } from '#shared/review/action-store.ts';
import { InboundInFlightError, processInbound, type InboundDeps, type InboundReceipt } from '#shared/review/inbound.ts';
import type { ReplyOutcome } from '#shared/review/reply-flow.ts';
import { keys } from '#shared/storage/keys.ts';
import { client, rawPartition, tableName, tableOf, uniqueJurisdiction } from '../records/setup.ts';

/**
 * The reply function's exactly-once record on DynamoDB Local: one outcome and one answer per SES message, whatever
 * Lambda retries; a failed hand-off starts over; a message over the limit is never read; audit under the
 * jurisdiction of the reply address, or none.
 */
const DOMAIN = 'replies.dev.npcs.invalid';
const REVIEWER = 'review-lead@ky-dcbs.example.org';
const PASS = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };

function harness(outcome: (jid: string) => ReplyOutcome, over: Partial<InboundDeps> = {}) {
  const jid = uniqueJurisdiction('inb');
  const sent: MailMessage[] = [];
  const calls = { handle: 0, read: 0 };
  let size = 2_000;
  const deps: InboundDeps = {
    client,
    tableName: tableName(),
    inboundDomain: DOMAIN,
    appOrigin: 'https://safety.example.org',
    fetchRaw: async () => ({
      size,
      read: async () => {
        calls.read++;
        return new TextEncoder().encode('From: x@y.org\r\n\r\napprove');
      },
    }),
    handle: async () => {
      calls.handle++;
      return outcome(jid);
    },
    send: async (m) => {
      sent.push(m);
      return { kind: m.kind, messageId: `<${randomUUID()}@local>` };
    },
    jurisdictionName: async () => 'Kentucky Department for Community Based Services',
    ...over,
  };
  const receipt = (over: Partial<InboundReceipt> = {}): InboundReceipt => ({ messageId: `msg-${randomUUID()}`, envelopeFrom: REVIEWER, recipients: [`reply+${'a'.repeat(43)}@${DOMAIN}`], verdicts: PASS, ...over });
  return { jid, sent, calls, deps, receipt, setSize: (n: number) => (size = n) };
}

const decided = (jid: string): ReplyOutcome => ({ kind: 'decided', jurisdictionId: jid, recordId: 'rec-1', action: 'approve', round: 2, subject: 'sub-reviewer', answerTo: REVIEWER, message: 'Your approval was recorded.' });
const auditOf = async (jid: string) => (await rawPartition(`${jid}#AUDIT`)).filter((i) => i.kind === 'audit');
const markerOf = async (messageId: string) =>
  (await client.send(new GetCommand({ TableName: tableName(), Key: keys.inboundReply(createHash('sha256').update(`npcs-inbound\n${messageId}`).digest().toString('base64url')), ConsistentRead: true }))).Item;

describe('processInbound on DynamoDB Local', () => {
  it('decides, audits as the reviewer and answers once; the same message again does nothing', async () => {
    const h = harness(decided);
    const r = h.receipt();
    expect(await processInbound(r, h.deps)).toEqual({ status: 'done', kind: 'decided', why: 'approve', answered: true, auditedIn: h.jid });
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ kind: 'reply_answer', to: REVIEWER, subject: 'Your reply was recorded' });
    expect(h.sent[0]!.text).toContain('https://safety.example.org/records/rec-1');
    const events = await auditOf(h.jid);
    expect(events).toEqual([expect.objectContaining({ action: 'review.reply_accepted', recordId: 'rec-1', toStatus: 'approved', requestId: r.messageId, actor: expect.objectContaining({ subject: 'sub-reviewer', role: 'reviewer' }) })]);
    // Once done, the answer's address is no longer kept.
    const marker = await markerOf(r.messageId);
    expect(marker).toMatchObject({ state: 'done' });
    expect(JSON.stringify(marker)).not.toContain(REVIEWER);

    expect(await processInbound(r, h.deps)).toEqual({ status: 'duplicate' });
    expect(h.calls.handle).toBe(1);
    expect(h.sent).toHaveLength(1);
    expect(await auditOf(h.jid)).toHaveLength(1);
  });

  it('a failed answer is retried from the kept outcome: the reply is not read again, the audit is not doubled', async () => {
    let fail = true;
    const h = harness(decided);
    const send = h.deps.send;
    h.deps.send = async (m) => {
      if (fail) throw new MailTransportError('reply_answer', 'ECONNECTION', undefined);
      return send(m);
    };
    const r = h.receipt();
    await expect(processInbound(r, h.deps)).rejects.toBeInstanceOf(MailTransportError);
    expect(await markerOf(r.messageId)).toMatchObject({ state: 'settled' });
    fail = false;
    expect(await processInbound(r, h.deps)).toMatchObject({ status: 'done', kind: 'decided', answered: true });
    expect(h.calls.handle).toBe(1);
    expect(h.sent).toHaveLength(1);
    expect(await auditOf(h.jid)).toHaveLength(1);
  });

  it('a failed hand-off (handleReply throws) lets the next invocation start over at once', async () => {
    let fail = true;
    const h = harness(decided);
    const handle = h.deps.handle;
    h.deps.handle = async (m, id) => {
      if (fail) throw new Error('the workflow did not answer');
      return handle(m, id);
    };
    const r = h.receipt();
    await expect(processInbound(r, h.deps)).rejects.toThrow('the workflow did not answer');
    fail = false;
    expect(await processInbound(r, h.deps)).toMatchObject({ status: 'done', kind: 'decided' });
    expect(h.sent).toHaveLength(1);
  });

  it('two invocations of one message at once: one handles it, the other is told to retry later', async () => {
    const h = harness(decided);
    const r = h.receipt();
    const results = await Promise.allSettled([processInbound(r, h.deps), processInbound(r, h.deps)]);
    expect(h.calls.handle).toBe(1);
    expect(h.sent).toHaveLength(1);
    const rejected = results.filter((x) => x.status === 'rejected');
    for (const x of rejected) expect((x as PromiseRejectedResult).reason).toBeInstanceOf(InboundInFlightError);
    expect(results.filter((x) => x.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
  });

  it('a message over the limit is refused from its size: never read, answered only to an authenticated sender, audited under its address', async () => {
    const h = harness(decided, { maxBytes: 1_000 });
    const { actionId } = await new ActionIds(tableOf(h.jid)).issue({ recordId: 'rec-9', round: 2, action: 'open', reviewer: { subject: 'sub-reviewer', address: REVIEWER } });
    const recipients = [`reply+${actionId}@${DOMAIN}`];
    const trusted = await processInbound(h.receipt({ recipients }), h.deps);
    expect(trusted).toMatchObject({ kind: 'refused', why: 'too_large', answered: true, auditedIn: h.jid });
    expect(h.sent[0]).toMatchObject({ to: REVIEWER, subject: 'Your reply was not recorded: nothing was changed' });
    const forged = await processInbound(h.receipt({ recipients, verdicts: { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' } }), h.deps);
    expect(forged).toMatchObject({ kind: 'refused', why: 'too_large', answered: false, auditedIn: h.jid });
    expect(h.calls).toEqual({ handle: 0, read: 0 });
    expect(h.sent).toHaveLength(1);
    expect((await auditOf(h.jid)).map((e) => [e.action, e.reasonCode, e.recordId, (e.actor as { role: string }).role])).toEqual([
      ['review.reply_refused', 'too_large', 'rec-9', 'system'],
      ['review.reply_refused', 'too_large', 'rec-9', 'system'],
    ]);
  });

  it('an ignored auto-reply is audited and never answered; a refusal at no known address is answered and not audited', async () => {
    const h = harness(() => ({ kind: 'ignored', why: 'auto_reply' }));
    const { actionId } = await new ActionIds(tableOf(h.jid)).issue({ recordId: 'rec-3', round: 1, action: 'open', reviewer: { subject: 's', address: REVIEWER } });
    expect(await processInbound(h.receipt({ recipients: [`reply+${actionId}@${DOMAIN}`] }), h.deps)).toMatchObject({ kind: 'ignored', why: 'auto_reply', answered: false, auditedIn: h.jid });
    expect(await auditOf(h.jid)).toEqual([expect.objectContaining({ action: 'review.reply_ignored', reasonCode: 'auto_reply', recordId: 'rec-3' })]);
    expect(h.sent).toEqual([]);

    const unknown = harness(() => ({ kind: 'refused', why: 'unknown_address', message: 'This reply address does not belong to a review that is waiting for you.', answerTo: REVIEWER }));
    const out = await processInbound(unknown.receipt(), unknown.deps);
    expect(out).toEqual({ status: 'done', kind: 'refused', why: 'unknown_address', answered: true });
    // No record and no jurisdiction: the answer links the platform's home page.
    expect(unknown.sent[0]!.text).toContain('https://safety.example.org/\n');
  });
});
