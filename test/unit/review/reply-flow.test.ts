import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ServiceUnavailableError } from '#shared/errors.ts';
import { actionIdDigest, newActionId } from '#shared/review/action-ids.ts';
import { ActionIds } from '#shared/review/action-store.ts';
import type { DecisionInput } from '#shared/review/decision.ts';
import { handleReply, type ReplyFlowDeps } from '#shared/review/reply-flow.ts';
import { REDEMPTION_REPLY_MESSAGES, REFUSAL_MESSAGES, type InboundReply } from '#shared/review/replies.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { ExpressionTable } from './expression-table.ts';

const JID = 'ky-dcbs';
const DOMAIN = 'reply.safety.example.org';
const REVIEWER = 'review-lead@ky-dcbs.example.org';
const PASS = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };

let t: ExpressionTable;
let rounds: Map<string, number>;
let decided: DecisionInput[];
let decide: ReplyFlowDeps['decide'];
const deps = (): ReplyFlowDeps => ({ client: t.client, tableName: 't', inboundDomain: DOMAIN, roundOf: () => async (id) => rounds.get(id), decide: (table, d) => decide(table, d), requestId: 'ses-msg-1' });
const issue = async (action: 'open' | 'approve' = 'open', jid = JID) =>
  (await new ActionIds(scopedTable(t.client, 't', jid)).issue({ recordId: 'rec-1', round: 3, action, reviewer: { subject: 'sub-reviewer', address: REVIEWER } })).actionId;
const reply = (id: string, body: string, over: Partial<InboundReply> & { from?: string; headers?: string } = {}): InboundReply => ({
  raw: `From: Riley <${over.from ?? REVIEWER}>\r\nTo: reply+${id}@${DOMAIN}\r\nSubject: Re: review\r\n${over.headers ?? ''}Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n\r\nOn Thu, Dec 3, 2026 at 8:02 AM NPCS <no-reply@x.org> wrote:\r\n> approve\r\n`,
  recipients: [`reply+${id}@${DOMAIN}`],
  verdicts: PASS,
  envelopeFrom: over.from ?? REVIEWER,
  ...over,
});
const usedAt = (id: string, jid = JID) => t.items.get(`${jid}#ACTIONS|ACTION#${actionIdDigest(id)}`)?.usedAt;

beforeEach(() => {
  t = new ExpressionTable();
  rounds = new Map([['rec-1', 3]]);
  decided = [];
  decide = async (_table, d) => {
    decided.push(d);
  };
});

describe('handleReply', () => {
  it('approve by reply: found through gsi1, bound by From, burned, handed on as the reviewer, confirmed', async () => {
    const id = await issue();
    const out = await handleReply(reply(id, 'Approve'), deps());
    expect(out).toEqual({ kind: 'decided', jurisdictionId: JID, recordId: 'rec-1', action: 'approve', round: 3, subject: 'sub-reviewer', answerTo: REVIEWER, message: expect.stringContaining('approval was recorded') });
    expect(decided).toEqual([{ recordId: 'rec-1', action: 'approve', round: 3, actor: { subject: 'sub-reviewer', role: 'reviewer', jurisdictionId: JID, requestId: 'ses-msg-1' } }]);
    expect(usedAt(id)).toBeDefined();
  });

  it('return by reply hands on the reason; another jurisdiction\'s id is found in its own partition', async () => {
    const id = await issue('open', 'oh-franklin-fccs');
    const out = await handleReply(reply(id, 'return: the incident date is missing'), deps());
    expect(out).toMatchObject({ kind: 'decided', jurisdictionId: 'oh-franklin-fccs', action: 'return', message: expect.stringContaining('went back to the submitter') });
    expect(decided).toMatchObject([{ action: 'return', reason: 'the incident date is missing', actor: { jurisdictionId: 'oh-franklin-fccs' } }]);
  });

  it('a spoofed From (DMARC fails): refused without a lookup and without an answer', async () => {
    const id = await issue();
    t.log.length = 0;
    const out = await handleReply(reply(id, 'approve', { verdicts: { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' } }), deps());
    expect(out).toStrictEqual({ kind: 'refused', why: 'unauthenticated', message: REFUSAL_MESSAGES.unauthenticated });
    expect(t.log).toEqual([]);
    expect(decided).toEqual([]);
  });

  it('a forwarded email answered by someone else: refused, answered, nothing burned', async () => {
    const id = await issue();
    const out = await handleReply(reply(id, 'approve', { from: 'someone@ky-dcbs.example.org' }), deps());
    expect(out).toMatchObject({ kind: 'refused', why: 'not_reviewer', answerTo: 'someone@ky-dcbs.example.org', jurisdictionId: JID });
    expect(usedAt(id)).toBeUndefined();
  });

  it('a second reply, a reply after the review moved on, a reply to a link id, an unknown id: refused with what to do', async () => {
    const id = await issue();
    await handleReply(reply(id, 'approve'), deps());
    expect(await handleReply(reply(id, 'approve'), deps())).toEqual({ kind: 'refused', why: 'used', message: REDEMPTION_REPLY_MESSAGES.used, answerTo: REVIEWER, jurisdictionId: JID, recordId: 'rec-1' });
    const later = await issue();
    rounds.set('rec-1', 4);
    expect(await handleReply(reply(later, 'approve'), deps())).toMatchObject({ kind: 'refused', why: 'superseded', message: REDEMPTION_REPLY_MESSAGES.superseded, recordId: 'rec-1' });
    rounds.set('rec-1', 3);
    const link = await issue('approve');
    expect(await handleReply(reply(link, 'approve'), deps())).toMatchObject({ kind: 'refused', why: 'not_decision', message: REDEMPTION_REPLY_MESSAGES.not_decision });
    const unknown = newActionId();
    expect(await handleReply(reply(unknown, 'approve'), deps())).toStrictEqual({ kind: 'refused', why: 'unknown_address', message: REFUSAL_MESSAGES.unknown_address, answerTo: REVIEWER });
    expect(decided).toHaveLength(1);
  });

  it('an auto-reply is ignored: no lookup, no answer', async () => {
    const id = await issue();
    t.log.length = 0;
    expect(await handleReply(reply(id, 'I am out of the office', { headers: 'Auto-Submitted: auto-replied\r\n' }), deps())).toStrictEqual({ kind: 'ignored', why: 'auto_reply' });
    expect(t.log).toEqual([]);
  });

  it('someone decided first: the id stays used and the answer says so', async () => {
    const id = await issue();
    decide = async () => {
      throw new ConflictError('already decided');
    };
    expect(await handleReply(reply(id, 'approve'), deps())).toMatchObject({ kind: 'refused', why: 'decided_elsewhere', answerTo: REVIEWER, recordId: 'rec-1', message: expect.stringContaining('just before your reply') });
    expect(usedAt(id)).toBeDefined();
  });

  it('the hand-off failed: the id is released and the error thrown, so a retry of the message decides', async () => {
    const id = await issue();
    decide = async () => {
      throw new ServiceUnavailableError('workflow unreachable');
    };
    await expect(handleReply(reply(id, 'approve'), deps())).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(usedAt(id)).toBeUndefined();
    decide = async (_table, d) => {
      decided.push(d);
    };
    expect((await handleReply(reply(id, 'approve'), deps())).kind).toBe('decided');
  });

  it('an approval with a note hands on no reason', async () => {
    const id = await issue();
    expect((await handleReply(reply(id, 'approve, looks complete'), deps())).kind).toBe('decided');
    expect(decided[0]).not.toHaveProperty('reason');
  });

  it('reads expiry on its own clock', async () => {
    const id = await issue();
    const late = () => new Date(Date.now() + 100 * 86_400_000);
    expect(await handleReply(reply(id, 'approve'), { ...deps(), clock: late })).toMatchObject({ kind: 'refused', why: 'expired', message: REDEMPTION_REPLY_MESSAGES.expired });
    expect(decided).toEqual([]);
  });

  it('passes the size limit on', async () => {
    const id = await issue();
    expect(await handleReply(reply(id, 'approve'), { ...deps(), maxBytes: 100 })).toMatchObject({ kind: 'refused', why: 'too_large' });
  });
});
