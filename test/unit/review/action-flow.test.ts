import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#shared/logger.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { ConflictError, ServiceUnavailableError, UnauthorizedError } from '#shared/errors.ts';
import { actionIdDigest, newActionId } from '#shared/review/action-ids.ts';
import { ActionIds } from '#shared/review/action-store.ts';
import { decideAction, showAction, signInPath, type ActionFlowDeps, type DecisionInput } from '#shared/review/web/action-flow.tsx';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import { ExpressionTable } from './expression-table.ts';

const JID = 'ky-dcbs';
const START = Date.parse('2026-12-03T12:00:00.000Z');
const reviewer: Principal = { subject: 'sub-reviewer', role: 'reviewer', jurisdictionId: JID, displayName: 'Riley Haddad' };
const otherReviewer: Principal = { subject: 'sub-other', role: 'reviewer', jurisdictionId: JID };
const submitter: Principal = { subject: 'sub-reviewer', role: 'submitter', jurisdictionId: JID };

let t: ExpressionTable;
let now: number;
let rounds: Map<string, number>;
let decided: DecisionInput[];
let decide: ActionFlowDeps['decide'];
let records: Map<string, { formId: string; recordId: string; reference?: string }>;

const deps = (): ActionFlowDeps => ({
  scope: (input) => ({ table: scopedTable(t.client, 't', input.principal.jurisdictionId!), actor: { subject: input.principal.subject, role: input.principal.role, jurisdictionId: input.principal.jurisdictionId!, requestId: 'req-1' } }),
  roundOf: () => async (recordId) => rounds.get(recordId),
  recordOf: async (_table, _actor, recordId) => records.get(recordId),
  decide: (table, d) => decide(table, d),
  clock: () => new Date(now),
});
const pageInput = <P extends Principal | undefined>(principal: P): PageInput<P> => ({
  table: 't',
  principal,
  event: { requestContext: { requestId: 'req-1' } } as unknown as APIGatewayProxyEventV2,
  csrf: 'csrf-token-1',
});
const issue = (action: 'approve' | 'return' | 'open', over: { recordId?: string; subject?: string } = {}) =>
  new ActionIds(scopedTable(t.client, 't', JID), { clock: () => new Date(now) }).issue({
    recordId: over.recordId ?? 'rec-1',
    round: 1,
    action,
    reviewer: { subject: over.subject ?? 'sub-reviewer', address: 'review-lead@ky-dcbs.example.org' },
  });
const writes = () => t.log.filter((c) => c !== 'Get' && c !== 'Query');
const usedAt = (id: string) => t.items.get(`${JID}#ACTIONS|ACTION#${actionIdDigest(id)}`)?.usedAt;

afterEach(() => {
  vi.restoreAllMocks();
});

beforeEach(() => {
  t = new ExpressionTable();
  now = START;
  rounds = new Map([['rec-1', 1]]);
  records = new Map([['rec-1', { formId: 'critical_incident_review', recordId: 'rec-1', reference: 'CIR-2026-017' }]]);
  decided = [];
  decide = async (_table, d) => {
    decided.push(d);
  };
});

describe('GET /actions/{actionId}: changes nothing', () => {
  it('a signed-out person is sent to sign in and back to the same link, before any read', async () => {
    const id = newActionId();
    const r = await showAction(pageInput(undefined), id, deps());
    expect(r.statusCode).toBe(303);
    expect(r.headers?.location).toBe(`/auth/sign-in?returnTo=${encodeURIComponent(`/actions/${id}`)}`);
    expect(signInPath(id)).toBe(r.headers?.location);
    expect(t.log).toEqual([]);
  });

  it('a malformed id gets its page (404) before sign-in and before any read', async () => {
    for (const bad of ['abc', `${newActionId()}x`, '']) {
      const r = await showAction(pageInput(undefined), bad, deps());
      expect(r.statusCode).toBe(404);
      expect(String(r.body)).toContain('This link is not complete');
    }
    expect(t.log).toEqual([]);
  });

  it('the confirmation page of an Approve link: the record by its review id, the decision, one form with the CSRF token', async () => {
    const { actionId } = await issue('approve');
    t.log.length = 0;
    const r = await showAction(pageInput(reviewer), actionId, deps());
    expect(r.statusCode).toBe(200);
    const html = String(r.body);
    expect(html).toContain('<h1>Approve this review?</h1>');
    expect(html).toContain('CIR-2026-017');
    expect(html).toContain('rec-1');
    expect(html).toContain(`<form class="usa-form usa-form--large" method="post" action="/actions/${actionId}" novalidate>`);
    expect(html).toContain('<input type="hidden" name="_csrf" value="csrf-token-1"/>');
    expect(html.match(/<form/g)).toHaveLength(2); // this one and the header's sign-out
    expect(html).not.toContain('<textarea');
    expect(html).toMatch(/<button class="usa-button margin-top-3" type="submit">Approve<\/button>/);
    expect(html).toContain('href="/records/rec-1"');
    expect(html).toContain('Thu, 06 Dec 2026 12:00:00 UTC'.replace('Thu', new Date(START + 72 * 3_600_000).toUTCString().slice(0, 3)));
    // No inline script, nothing that submits by itself.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/http-equiv="refresh"|onload|autofocus/i);
    expect(writes()).toEqual([]);
    expect(usedAt(actionId)).toBeUndefined();
  });

  it('the confirmation page of a Return link asks for the required reason', async () => {
    const { actionId } = await issue('return');
    const html = String((await showAction(pageInput(reviewer), actionId, deps())).body);
    expect(html).toContain('<h1>Return this review for changes?</h1>');
    expect(html).toMatch(/<textarea[^>]*name="reason"[^>]*required/);
    expect(html).toContain('maxlength="2000"');
    expect(html).toContain('usa-button--secondary');
  });

  it('a live Open link goes to its record', async () => {
    const { actionId } = await issue('open');
    const r = await showAction(pageInput(reviewer), actionId, deps());
    expect(r).toEqual({ statusCode: 303, headers: { location: '/records/rec-1', 'cache-control': 'no-store' }, body: '' });
  });

  it('used, superseded, expired, foreign and unknown links: a page that says so and what to do, with its 4xx', async () => {
    const used = (await issue('approve')).actionId;
    await decideAction(pageInput(reviewer), used, {}, deps());
    const superseded = (await issue('return')).actionId;
    const expired = (await issue('open', { recordId: 'rec-2' })).actionId;
    rounds.set('rec-2', 1);
    const cases: [string, Principal, number, string, boolean][] = [
      [used, reviewer, 409, 'This link has already been used', true],
      [expired, otherReviewer, 403, 'This link was sent to someone else', false],
      [newActionId(), reviewer, 404, 'We could not find this link', false],
    ];
    for (const [id, who, status, title, linksRecord] of cases) {
      const r = await showAction(pageInput(who), id, deps());
      expect(r.statusCode, title).toBe(status);
      expect(String(r.body)).toContain(`<h1>${title}</h1>`);
      expect(String(r.body)).toMatch(/nothing (more )?was changed/i);
      expect(String(r.body).includes('href="/records/rec-1"'), title).toBe(linksRecord);
    }
    rounds.set('rec-1', 2);
    const s = await showAction(pageInput(reviewer), superseded, deps());
    expect(s.statusCode).toBe(409);
    expect(String(s.body)).toContain('This link is out of date');
    expect(String(s.body)).toContain('ask your jurisdiction admin to send the review email again');
    now = START + 72 * 3_600_000;
    const e = await showAction(pageInput(reviewer), expired, deps());
    expect(e.statusCode).toBe(410);
    expect(String(e.body)).toContain('This link has expired');
    expect(writes().filter((w) => w !== 'TransactWrite')).toEqual(['Update']);
  });

  it('a link whose record is gone is out of date; one opened by a non-reviewer is not theirs', async () => {
    const { actionId } = await issue('approve');
    records.clear();
    expect((await showAction(pageInput(reviewer), actionId, deps())).statusCode).toBe(409);
    const r = await showAction(pageInput(submitter), actionId, deps());
    expect(r.statusCode).toBe(403);
    expect(String(r.body)).toContain('This link was sent to someone else');
    expect((await showAction(pageInput({ subject: 'sub-lead', role: 'partnership_lead' }), actionId, deps())).statusCode).toBe(403);
  });
});

describe('POST /actions/{actionId}: burns the link, then hands the decision on', () => {
  it('an Approve link decides approve once, and goes to the record with the confirmation', async () => {
    const { actionId } = await issue('approve');
    const r = await decideAction(pageInput(reviewer), actionId, {}, deps());
    expect(r).toMatchObject({ statusCode: 303, headers: { location: '/records/rec-1?moved=approved' } });
    expect(decided).toEqual([{ recordId: 'rec-1', action: 'approve', actor: { subject: 'sub-reviewer', role: 'reviewer', jurisdictionId: JID, requestId: 'req-1' }, round: 1 }]);
    expect(usedAt(actionId)).toBe(new Date(START).toISOString());
    // A second post (a double click, a scanner replaying the form) changes nothing more.
    const again = await decideAction(pageInput(reviewer), actionId, {}, deps());
    expect(again.statusCode).toBe(409);
    expect(String(again.body)).toContain('This link has already been used');
    expect(decided).toHaveLength(1);
  });

  it('an approval ignores a posted reason', async () => {
    const { actionId } = await issue('approve');
    await decideAction(pageInput(reviewer), actionId, { reason: 'sneaky' }, deps());
    expect(decided[0]).not.toHaveProperty('reason');
  });

  it('two posts at once: exactly one decides', async () => {
    const { actionId } = await issue('approve');
    const results = await Promise.all([decideAction(pageInput(reviewer), actionId, {}, deps()), decideAction(pageInput(reviewer), actionId, {}, deps())]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([303, 409]);
    expect(decided).toHaveLength(1);
  });

  it('a Return link needs a reason: without one the page comes back (422) and nothing is used up', async () => {
    const { actionId } = await issue('return');
    for (const reason of [undefined, '', '  \r\n ']) {
      const r = await decideAction(pageInput(reviewer), actionId, { reason }, deps());
      expect(r.statusCode).toBe(422);
      expect(String(r.body)).toContain('There is a problem');
      expect(String(r.body)).toContain('href="#action-reason"');
      expect(String(r.body)).toContain('Say what the submitter must change');
    }
    const long = await decideAction(pageInput(reviewer), actionId, { reason: 'x'.repeat(2001) }, deps());
    expect(long.statusCode).toBe(422);
    expect(String(long.body)).toContain('Keep the reason under 2,000 characters');
    expect(String(long.body)).toContain('x'.repeat(2001));
    expect(usedAt(actionId)).toBeUndefined();
    expect(decided).toEqual([]);
    const ok = await decideAction(pageInput(reviewer), actionId, { reason: '  The date is wrong.\r\nAnd the unit.  ' }, deps());
    expect(ok.headers?.location).toBe('/records/rec-1?moved=returned');
    expect(decided).toMatchObject([{ action: 'return', reason: 'The date is wrong.\nAnd the unit.', round: 1 }]);
    expect((await decideAction(pageInput(reviewer), (await issue('return', { recordId: 'rec-1', subject: 'sub-reviewer' })).actionId, { reason: 'x'.repeat(2000) }, deps())).statusCode).toBe(303);
  });

  it('someone decided first (the hand-off says conflict): the link stays used, the page says so (409)', async () => {
    const { actionId } = await issue('approve');
    decide = async () => {
      throw new ConflictError('already decided');
    };
    const r = await decideAction(pageInput(reviewer), actionId, {}, deps());
    expect(r.statusCode).toBe(409);
    expect(String(r.body)).toContain('This review was already decided');
    expect(usedAt(actionId)).toBeDefined();
  });

  it('an expired Return link is refused as expired, before its reason is asked for', async () => {
    const { actionId } = await issue('return');
    now = START + 72 * 3_600_000;
    expect((await decideAction(pageInput(reviewer), actionId, {}, deps())).statusCode).toBe(410);
  });

  it('a reason with old Mac line ends is kept with LF', async () => {
    const { actionId } = await issue('return');
    await decideAction(pageInput(reviewer), actionId, { reason: 'one\rtwo' }, deps());
    expect(decided[0]!.reason).toBe('one\ntwo');
  });

  it('the hand-off failed: the link is released so the reviewer can try again, and the error goes to the stack', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const { actionId } = await issue('approve');
    decide = async () => {
      throw new ServiceUnavailableError('workflow unreachable');
    };
    await expect(decideAction(pageInput(reviewer), actionId, {}, deps())).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(usedAt(actionId)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith('A decision by link was not handed on', { error: 'ServiceUnavailableError', released: true });
    decide = async (_table, d) => {
      decided.push(d);
    };
    expect((await decideAction(pageInput(reviewer), actionId, {}, deps())).statusCode).toBe(303);
    expect(decided).toHaveLength(1);
  });

  it('the hand-off failed and the release failed too: the original error still goes to the stack, both logged', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const error = vi.spyOn(logger, 'error');
    const { actionId } = await issue('approve');
    decide = async () => {
      t.beforeCommand = (name) => {
        if (name === 'Update') throw new Error('throttled');
      };
      throw new ServiceUnavailableError('workflow unreachable');
    };
    await expect(decideAction(pageInput(reviewer), actionId, {}, deps())).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(error).toHaveBeenCalledWith('A link whose decision was not handed on could not be released', { error: 'Error' });
    expect(warn).toHaveBeenCalledWith('A decision by link was not handed on', { error: 'ServiceUnavailableError', released: false });
  });

  it('refuses another reviewer, an unknown, superseded, expired or Open link, deciding nothing', async () => {
    const approve = (await issue('approve')).actionId;
    expect((await decideAction(pageInput(otherReviewer), approve, {}, deps())).statusCode).toBe(403);
    expect((await decideAction(pageInput(reviewer), newActionId(), {}, deps())).statusCode).toBe(404);
    const before = t.log.length;
    expect((await decideAction(pageInput(reviewer), 'short', {}, deps())).statusCode).toBe(404);
    expect(t.log.length).toBe(before);
    const open = (await issue('open')).actionId;
    t.log.length = 0;
    const o = await decideAction(pageInput(reviewer), open, {}, deps());
    // Refused on what inspect read: no second read, no write.
    expect(t.log).toEqual(['Get']);
    expect(o.statusCode).toBe(400);
    expect(String(o.body)).toContain('This link only opens the record');
    rounds.set('rec-1', 2);
    expect((await decideAction(pageInput(reviewer), approve, {}, deps())).statusCode).toBe(409);
    rounds.set('rec-1', 1);
    now = START + 72 * 3_600_000;
    expect((await decideAction(pageInput(reviewer), approve, {}, deps())).statusCode).toBe(410);
    now = START;
    records.clear();
    expect((await decideAction(pageInput(reviewer), approve, {}, deps())).statusCode).toBe(409);
    expect(decided).toEqual([]);
    expect(usedAt(approve)).toBeUndefined();
  });

  it('a role without review:decide is refused by the policy', async () => {
    const { actionId } = await issue('approve');
    await expect(decideAction(pageInput({ ...submitter }), actionId, {}, deps())).rejects.toThrow('Your role does not allow this.');
    await expect(decideAction(pageInput(undefined as unknown as Principal), actionId, {}, deps())).rejects.toBeInstanceOf(UnauthorizedError);
    expect(decided).toEqual([]);
  });

  it('the redeem loses a race after the checks: the page says used and nothing is decided', async () => {
    const { actionId } = await issue('approve');
    t.beforeCommand = (name) => {
      if (name === 'Update') {
        t.beforeCommand = undefined;
        t.items.get(`${JID}#ACTIONS|ACTION#${actionIdDigest(actionId)}`)!.usedAt = 'reply won';
      }
    };
    const r = await decideAction(pageInput(reviewer), actionId, {}, deps());
    expect(r.statusCode).toBe(409);
    expect(String(r.body)).toContain('href="/records/rec-1"');
    expect(decided).toEqual([]);
  });
});
