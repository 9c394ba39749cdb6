import { describe, expect, it } from 'vitest';
import { actionIdDigest, newActionId } from '#shared/review/action-ids.ts';
import { ActionIds, locateAction, type IssueInput } from '#shared/review/action-store.ts';
import type { DecisionInput } from '#shared/review/decision.ts';
import { handleReply } from '#shared/review/reply-flow.ts';
import { client, tableName, tableOf, uniqueJurisdiction } from '../records/setup.ts';

/**
 * The action-id store on DynamoDB Local: its expressions as DynamoDB reads them (the unit tests use an in-memory
 * table that understands the same subset), the race of concurrent redeems, and the gsi1 lookup of the reply path.
 */
const me = { via: 'web', subject: 'sub-reviewer' } as const;
const input = (over: Partial<IssueInput> = {}): IssueInput => ({
  recordId: 'rec-1',
  round: 1,
  action: 'approve',
  reviewer: { subject: 'sub-reviewer', address: 'review-lead@ky-dcbs.example.org' },
  ...over,
});
const round = (n: number | undefined) => async () => n;

describe('review action ids on DynamoDB Local', () => {
  it('issue, inspect, supersede, redeem once of many concurrent tries, release', async () => {
    const jid = uniqueJurisdiction('act');
    const actions = new ActionIds(tableOf(jid));
    const first = await actions.issue(input());
    const second = await actions.issue(input());
    expect((await actions.inspect(first.actionId, me, round(1))).status).toBe('superseded');
    expect((await actions.inspect(second.actionId, me, round(1))).status).toBe('valid');
    expect((await actions.inspect(second.actionId, { via: 'web', subject: 'x' }, round(1))).status).toBe('foreign');

    const results = await Promise.all(Array.from({ length: 5 }, () => actions.redeem(second.actionId, me, round(1))));
    expect(results.map((r) => r.status).sort()).toEqual(['redeemed', 'used', 'used', 'used', 'used']);
    const won = results.find((r) => r.status === 'redeemed') as { usedAt: string };
    await actions.release(second.actionId, { usedAt: 'not mine' });
    expect((await actions.inspect(second.actionId, me, round(1))).status).toBe('used');
    await actions.release(second.actionId, won);
    expect((await actions.inspect(second.actionId, me, round(1))).status).toBe('valid');
    expect((await actions.redeem(second.actionId, me, round(2))).status).toBe('superseded');
  });

  it('an expired id is refused at the write even when the read saw it live', async () => {
    const jid = uniqueJurisdiction('act');
    let now = Date.now();
    const actions = new ActionIds(tableOf(jid), { clock: () => new Date(now), ttlHours: 1 });
    const { actionId } = await actions.issue(input({ action: 'return' }));
    now += 3_600_000;
    expect((await actions.redeem(actionId, me, round(1))).status).toBe('expired');
  });

  it('a reply: the Open id found through gsi1, bound by address, deciding its command', async () => {
    const jid = uniqueJurisdiction('act');
    const actions = new ActionIds(tableOf(jid));
    const { actionId } = await actions.issue(input({ action: 'open' }));
    // gsi1 is eventually consistent in AWS; DynamoDB Local answers at once.
    expect(await locateAction(client, tableName(), actionId)).toBe(jid);
    expect(await locateAction(client, tableName(), newActionId())).toBeUndefined();
    expect(await actions.isBound(actionId, 'review-lead@ky-dcbs.example.org')).toBe(true);
    const r = await actions.redeem(actionId, { via: 'reply', address: 'review-lead@ky-dcbs.example.org' }, round(1), 'return');
    expect(r).toMatchObject({ status: 'redeemed', decision: 'return' });
    expect(actionIdDigest(actionId)).toHaveLength(64);
  });

  it('handleReply: an Outlook HTML-only "approve" reply decides once; the same reply again is refused as used', async () => {
    const jid = uniqueJurisdiction('act');
    const { actionId } = await new ActionIds(tableOf(jid)).issue(input({ action: 'open', recordId: 'rec-7', round: 2 }));
    const raw = [
      'From: "Haddad, Riley" <Review-Lead@ky-dcbs.example.org>',
      `To: <reply+${actionId}@reply.safety.example.org>`,
      'Subject: RE: Review waiting: CIR-2026-017',
      'Content-Type: text/html; charset="us-ascii"',
      '',
      '<html><body><div class="WordSection1"><p class="MsoNormal">Approve</p><div id="divRplyFwdMsg"><b>From:</b> NPCS<br><b>Sent:</b> Thursday</div><p>return</p></div></body></html>',
    ].join('\r\n');
    const decided: DecisionInput[] = [];
    const deps = { client, tableName: tableName(), inboundDomain: 'reply.safety.example.org', roundOf: () => round(2), decide: async (_t: unknown, d: DecisionInput) => void decided.push(d), requestId: 'ses-1' };
    const message = { raw, recipients: [`reply+${actionId}@reply.safety.example.org`], verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' } };
    expect(await handleReply(message, deps)).toMatchObject({ kind: 'decided', jurisdictionId: jid, recordId: 'rec-7', action: 'approve', round: 2, answerTo: 'review-lead@ky-dcbs.example.org' });
    expect(await handleReply(message, deps)).toMatchObject({ kind: 'refused', why: 'used', recordId: 'rec-7' });
    expect(decided).toEqual([{ recordId: 'rec-7', action: 'approve', round: 2, actor: { subject: 'sub-reviewer', role: 'reviewer', jurisdictionId: jid, requestId: 'ses-1' } }]);
  });
});
