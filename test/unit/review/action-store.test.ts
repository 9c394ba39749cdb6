import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '#shared/errors.ts';
import { REVIEW_ACTION_KEPT_DAYS, REVIEW_ACTION_TTL_HOURS } from '#shared/policy.ts';
import { actionIdDigest, addressDigest, newActionId, reviewerDigest, type ActionGrant } from '#shared/review/action-ids.ts';
import { ActionIds, decisionFor, locateAction, type IssueInput, type RoundLookup } from '#shared/review/action-store.ts';
import { keys } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { ExpressionTable } from './expression-table.ts';

const TABLE = 't';
const JID = 'ky-dcbs';
const START = Date.parse('2026-12-03T12:00:00.000Z');
const HOUR = 3_600_000;
const reviewer = { subject: 'sub-reviewer', address: 'Review-Lead@KY-DCBS.example.org' };
const input = (over: Partial<IssueInput> = {}): IssueInput => ({ recordId: 'rec-1', round: 2, action: 'approve', reviewer, ...over });
const me = { via: 'web', subject: 'sub-reviewer' } as const;
const byReply = { via: 'reply', address: 'review-lead@ky-dcbs.example.org' } as const;
const round = (n: number | undefined): RoundLookup => async () => n;

let t: ExpressionTable;
let now: number;
let actions: ActionIds;
const at = (jid: string) => new ActionIds(scopedTable(t.client, TABLE, jid), { clock: () => new Date(now) });
const stored = (id: string) => t.items.get(`${JID}#ACTIONS|ACTION#${actionIdDigest(id)}`);

beforeEach(() => {
  t = new ExpressionTable();
  now = START;
  actions = at(JID);
});

describe('issue', () => {
  it('stores the digest of the id only, with what it grants, under the jurisdiction, and returns the id once', async () => {
    const { actionId, expiresAt } = await actions.issue(input());
    expect(actionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(new Date(START + REVIEW_ACTION_TTL_HOURS * HOUR).toISOString());
    const item = stored(actionId)!;
    expect(item).toEqual({
      pk: `${JID}#ACTIONS`,
      sk: `ACTION#${actionIdDigest(actionId)}`,
      recordId: 'rec-1',
      round: 2,
      action: 'approve',
      subject: 'sub-reviewer',
      addressDigest: addressDigest('review-lead@ky-dcbs.example.org'),
      createdAt: new Date(START).toISOString(),
      expiresAtMs: START + 72 * HOUR,
      expiresAt: Math.ceil((START + 72 * HOUR + REVIEW_ACTION_KEPT_DAYS * 24 * HOUR) / 1000),
      gsi1pk: `ACTION#${actionIdDigest(actionId)}`,
      gsi1sk: 'ACTION',
    });
    expect(JSON.stringify([...t.items.values()])).not.toContain(actionId);
    expect(JSON.stringify([...t.items.values()]).toLowerCase()).not.toContain('review-lead');
    const slot = t.items.get(`${JID}#ACTIONS|SLOT#rec-1#000002#approve#${reviewerDigest('sub-reviewer')}`);
    expect(slot).toEqual({ pk: `${JID}#ACTIONS`, sk: expect.stringMatching(/^SLOT#/), idDigest: actionIdDigest(actionId), expiresAt: item.expiresAt });
  });

  it('takes the expiry from its options (72 h by default, from the policy)', async () => {
    expect(REVIEW_ACTION_TTL_HOURS).toBe(72);
    const short = new ActionIds(scopedTable(t.client, TABLE, JID), { clock: () => new Date(now), ttlHours: 1 });
    const { actionId, expiresAt } = await short.issue(input());
    expect(expiresAt).toBe(new Date(START + HOUR).toISOString());
    expect(stored(actionId)!.expiresAtMs).toBe(START + HOUR);
    now = START + HOUR - 1;
    expect((await short.inspect(actionId, me, round(2))).status).toBe('valid');
    now = START + HOUR;
    expect((await short.inspect(actionId, me, round(2))).status).toBe('expired');
  });

  it('keeps one live id per record, round, action and reviewer: issuing again supersedes the last', async () => {
    const first = await actions.issue(input());
    const second = await actions.issue(input());
    expect(second.actionId).not.toBe(first.actionId);
    expect(stored(first.actionId)!.supersededAt).toBe(new Date(START).toISOString());
    expect((await actions.inspect(first.actionId, me, round(2))).status).toBe('superseded');
    expect((await actions.inspect(second.actionId, me, round(2))).status).toBe('valid');
    expect((await actions.redeem(first.actionId, me, round(2))).status).toBe('superseded');
    // A third supersedes the second, and the first keeps the time it was first superseded.
    now += 1000;
    const third = await actions.issue(input());
    expect(stored(second.actionId)!.supersededAt).toBe(new Date(START + 1000).toISOString());
    expect(stored(first.actionId)!.supersededAt).toBe(new Date(START).toISOString());
    expect((await actions.inspect(third.actionId, me, round(2))).status).toBe('valid');
  });

  it('does not supersede another action, round, record or reviewer', async () => {
    const approve = await actions.issue(input());
    const others = [input({ action: 'return' }), input({ action: 'open' }), input({ round: 3 }), input({ recordId: 'rec-2' }), input({ reviewer: { subject: 'sub-2', address: 'b@ky.example.org' } })];
    for (const o of others) await actions.issue(o);
    expect(stored(approve.actionId)!.supersededAt).toBeUndefined();
    expect(t.items.size).toBe(12);
  });

  it('issues even when the superseded item is already gone (its TTL ran out first)', async () => {
    const first = await actions.issue(input());
    t.items.delete(`${JID}#ACTIONS|ACTION#${actionIdDigest(first.actionId)}`);
    const second = await actions.issue(input());
    expect((await actions.inspect(second.actionId, me, round(2))).status).toBe('valid');
    expect(stored(first.actionId)).toBeUndefined();
  });

  it('retries when another issue for the same slot wins the race, and gives up with a 409 after three tries', async () => {
    const first = await actions.issue(input());
    let raced = 0;
    t.beforeCommand = async (name) => {
      // Another issue replaces the slot between this one's read and its write, once.
      if (name === 'TransactWrite' && raced++ === 0) {
        const slot = [...t.items.values()].find((i) => String(i.sk).startsWith('SLOT#'))!;
        slot.idDigest = 'f'.repeat(64);
      }
    };
    const second = await actions.issue(input());
    expect((await actions.inspect(second.actionId, me, round(2))).status).toBe('valid');
    // The first issue, the raced write, one whose slot names an id that is not there (nothing to supersede), then it.
    expect(t.log.filter((c) => c === 'TransactWrite')).toHaveLength(4);
    expect(stored(first.actionId)!.supersededAt).toBeUndefined();
    expect(first.actionId).not.toBe(second.actionId);

    t.beforeCommand = async (name) => {
      if (name === 'TransactWrite') [...t.items.values()].find((i) => String(i.sk).startsWith('SLOT#'))!.idDigest = newActionId();
    };
    const before = t.log.length;
    await expect(actions.issue(input())).rejects.toThrow(new ConflictError('Another link for this review was being issued at the same time. Try again.'));
    expect(t.log.slice(before).filter((c) => c === 'TransactWrite')).toHaveLength(3);
  });

  it('a concurrent issue that wins supersedes the last id, and this one then supersedes the winner', async () => {
    const first = await actions.issue(input());
    let concurrent: string | undefined;
    t.beforeCommand = async (name) => {
      if (name !== 'TransactWrite' || concurrent !== undefined) return;
      concurrent = '';
      concurrent = (await actions.issue(input())).actionId;
    };
    const mine = await actions.issue(input());
    expect(stored(first.actionId)!.supersededAt).toBeDefined();
    expect(stored(concurrent!)!.supersededAt).toBeDefined();
    expect((await actions.inspect(mine.actionId, me, round(2))).status).toBe('valid');
  });

  it('when the slot moved on and the last id is gone too, the winner is still superseded', async () => {
    const first = await actions.issue(input());
    let concurrent: string | undefined;
    t.beforeCommand = async (name) => {
      if (name !== 'TransactWrite' || concurrent !== undefined) return;
      concurrent = '';
      concurrent = (await actions.issue(input())).actionId;
      t.items.delete(`${JID}#ACTIONS|ACTION#${actionIdDigest(first.actionId)}`);
    };
    await actions.issue(input());
    expect(stored(concurrent!)!.supersededAt).toBeDefined();
  });

  it('never overwrites an existing action item (a digest already there is another id), and still supersedes the last id', async () => {
    const first = await actions.issue(input());
    let planted: Record<string, unknown> | undefined;
    t.beforeCommand = (name, input) => {
      if (name !== 'TransactWrite' || planted) return;
      const put = (input.TransactItems as { Put?: { Item: Record<string, unknown> } }[])[0]!.Put!.Item;
      planted = { pk: put.pk, sk: put.sk, recordId: 'someone-else' };
      t.items.set(ExpressionTable.key(planted), structuredClone(planted));
    };
    const { actionId } = await actions.issue(input());
    expect(t.items.get(ExpressionTable.key(planted!))).toEqual(planted);
    expect((await actions.inspect(actionId, me, round(2))).status).toBe('valid');
    expect((await actions.inspect(first.actionId, me, round(2))).status).toBe('superseded');
  });

  it('two first issues at once: the slot is claimed once, and the later one supersedes the earlier', async () => {
    let concurrent: string | undefined;
    t.beforeCommand = async (name) => {
      if (name !== 'TransactWrite' || concurrent !== undefined) return;
      concurrent = '';
      concurrent = (await actions.issue(input())).actionId;
    };
    const mine = await actions.issue(input());
    expect(stored(concurrent!)!.supersededAt).toBeDefined();
    expect((await actions.inspect(mine.actionId, me, round(2))).status).toBe('valid');
  });

  it('uses the real clock and the policy expiry by default', async () => {
    const plain = new ActionIds(scopedTable(t.client, TABLE, JID));
    const before = Date.now();
    const { expiresAt } = await plain.issue(input());
    const after = Date.now();
    expect(Date.parse(expiresAt)).toBeGreaterThanOrEqual(before + 72 * HOUR);
    expect(Date.parse(expiresAt)).toBeLessThanOrEqual(after + 72 * HOUR);
  });

  it('passes on errors that are not a cancelled transaction', async () => {
    t.beforeCommand = (name) => {
      if (name === 'TransactWrite') throw new Error('throttled');
    };
    await expect(actions.issue(input())).rejects.toThrow('throttled');
    expect(t.log.filter((c) => c === 'TransactWrite')).toHaveLength(1);
  });

  it('refuses bad input with a 422 naming the field, writing nothing', async () => {
    const cases: [Partial<IssueInput>, string][] = [
      [{ recordId: '' }, 'recordId'],
      [{ recordId: 'a#b' }, 'recordId'],
      [{ recordId: 'x'.repeat(65) }, 'recordId'],
      [{ round: -1 }, 'round'],
      [{ round: 1.5 }, 'round'],
      [{ round: 1_000_000 }, 'round'],
      [{ action: 'reject' as never }, 'action'],
      [{ reviewer: { subject: '', address: 'a@b.org' } }, 'reviewer.subject'],
      [{ reviewer: { subject: 'x'.repeat(256), address: 'a@b.org' } }, 'reviewer.subject'],
      [{ reviewer: { subject: 's', address: 'A <a@b.org>' } }, 'reviewer.address'],
      [{ recordId: '#abc' }, 'recordId'],
      [{ recordId: 'abc#' }, 'recordId'],
    ];
    for (const [over, field] of cases) {
      const error = await actions.issue(input(over)).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors.map((f) => f.field), JSON.stringify(over)).toEqual([field]);
    }
    const messages = async (over: Partial<IssueInput>) => ((await actions.issue(input(over)).catch((e: unknown) => e)) as ValidationError).fieldErrors.map((f) => f.message);
    expect(await messages({ recordId: 'a#b' })).toEqual(['A record id is 1-64 letters, digits, _ or -']);
    expect(await messages({ round: -1 })).toEqual(['A round is 0 or more']);
    expect(await messages({ round: 1_000_000 })).toEqual(['A round is at most 999999']);
    expect(await messages({ reviewer: { subject: '', address: 'a@b.org' } })).toEqual(['The reviewer has no subject']);
    expect(await messages({ reviewer: { subject: 's', address: 'nope' } })).toEqual(['The reviewer address is not one email address']);
    const whole = (await actions.issue(null as unknown as IssueInput).catch((e: unknown) => e)) as ValidationError;
    expect(whole.fieldErrors.map((f) => f.field)).toEqual(['action id']);
    await expect(actions.issue(input({ recordId: 'x'.repeat(64), round: 999_999, reviewer: { subject: 'x'.repeat(255), address: 'a@b.org' } }))).resolves.toBeDefined();
    await expect(actions.issue(input({ round: 0 }))).resolves.toBeDefined();
    expect(t.items.size).toBe(4);
  });
});

describe('inspect', () => {
  it('tells the bound reviewer what the id grants, and changes nothing', async () => {
    const { actionId } = await actions.issue(input({ action: 'return' }));
    const before = structuredClone([...t.items.entries()]);
    const seen: string[] = [];
    const found = await actions.inspect(actionId, me, async (recordId) => (seen.push(recordId), 2));
    // Strict: a grant that was never used or superseded has no such keys at all.
    expect(found).toStrictEqual({
      status: 'valid',
      grant: {
        recordId: 'rec-1',
        round: 2,
        action: 'return',
        subject: 'sub-reviewer',
        addressDigest: addressDigest('review-lead@ky-dcbs.example.org'),
        createdAt: new Date(START).toISOString(),
        expiresAt: new Date(START + 72 * HOUR).toISOString(),
      },
    });
    expect(seen).toEqual(['rec-1']);
    expect([...t.items.entries()]).toEqual(before);
    expect(t.log.filter((c) => c !== 'Get')).toEqual(['TransactWrite']);
  });

  it('says foreign to anyone else and unknown for an id it does not have, without the grant', async () => {
    const { actionId } = await actions.issue(input());
    expect(await actions.inspect(actionId, { via: 'web', subject: 'sub-other' }, round(2))).toStrictEqual({ status: 'foreign' });
    expect(await actions.inspect(newActionId(), me, round(2))).toStrictEqual({ status: 'unknown' });
    // Another jurisdiction's id is unknown here, exactly like one that does not exist.
    expect(await at('oh-franklin-fccs').inspect(actionId, me, round(2))).toStrictEqual({ status: 'unknown' });
  });

  it('rejects a malformed id before any read', async () => {
    for (const bad of ['', 'short', `${newActionId()}x`, `${newActionId().slice(1)}=`]) {
      expect(await actions.inspect(bad, me, round(2))).toEqual({ status: 'malformed' });
      expect(await actions.redeem(bad, me, round(2))).toEqual({ status: 'malformed' });
      expect(await actions.isBound(bad, 'a@b.org')).toBeUndefined();
      await actions.release(bad, { usedAt: 'x' });
    }
    expect(t.log).toEqual([]);
  });

  it('used, expired and superseded come with the grant (the page links to the record)', async () => {
    const { actionId } = await actions.issue(input());
    expect((await actions.inspect(actionId, me, round(3))).status).toBe('superseded');
    expect((await actions.inspect(actionId, me, round(undefined))).status).toBe('superseded');
    now = START + 72 * HOUR;
    const expired = await actions.inspect(actionId, me, round(2));
    expect(expired).toMatchObject({ status: 'expired', grant: { recordId: 'rec-1' } });
    now = START;
    await actions.redeem(actionId, me, round(2));
    expect(await actions.inspect(actionId, me, round(2))).toMatchObject({ status: 'used', grant: { recordId: 'rec-1', usedAt: new Date(START).toISOString() } });
  });
});

describe('redeem', () => {
  it('burns a valid link once and hands back its decision', async () => {
    const { actionId } = await actions.issue(input());
    now += 5000;
    const r = await actions.redeem(actionId, me, round(2));
    expect(r).toEqual({ status: 'redeemed', decision: 'approve', usedAt: new Date(START + 5000).toISOString(), grant: expect.objectContaining({ recordId: 'rec-1', round: 2, action: 'approve', usedAt: new Date(START + 5000).toISOString() }) });
    expect(stored(actionId)).toMatchObject({ usedAt: new Date(START + 5000).toISOString(), usedVia: 'web', decision: 'approve' });
    expect(await actions.redeem(actionId, me, round(2))).toMatchObject({ status: 'used' });
  });

  it('a return link decides return', async () => {
    const { actionId } = await actions.issue(input({ action: 'return' }));
    expect(await actions.redeem(actionId, me, round(2))).toMatchObject({ status: 'redeemed', decision: 'return' });
  });

  it('of two concurrent redeems exactly one wins; the other is told it was used', async () => {
    const { actionId } = await actions.issue(input());
    const results = await Promise.all([actions.redeem(actionId, me, round(2)), actions.redeem(actionId, me, round(2)), actions.redeem(actionId, me, round(2))]);
    expect(results.map((r) => r.status).sort()).toEqual(['redeemed', 'used', 'used']);
    // Both read the item before either wrote: the loser's write was refused by its condition, not by its read.
    expect(t.log.filter((c) => c === 'Update')).toHaveLength(3);
  });

  it('refuses foreign, unknown, superseded and expired links without writing', async () => {
    const { actionId } = await actions.issue(input());
    const writes = () => t.log.filter((c) => c !== 'Get' && c !== 'Query').length;
    const before = writes();
    expect(await actions.redeem(actionId, { via: 'web', subject: 'sub-other' }, round(2))).toStrictEqual({ status: 'foreign' });
    expect(await actions.redeem(newActionId(), me, round(2))).toStrictEqual({ status: 'unknown' });
    expect(await actions.redeem(actionId, me, round(3))).toMatchObject({ status: 'superseded', grant: { recordId: 'rec-1' } });
    expect(await actions.redeem(actionId, me, round(undefined))).toMatchObject({ status: 'superseded' });
    now = START + 72 * HOUR;
    expect(await actions.redeem(actionId, me, round(2))).toMatchObject({ status: 'expired' });
    expect(writes()).toBe(before);
    expect(stored(actionId)!.usedAt).toBeUndefined();
  });

  it('an Open link decides nothing, from a session or a reply without a command', async () => {
    const { actionId } = await actions.issue(input({ action: 'open' }));
    expect(await actions.redeem(actionId, me, round(2))).toMatchObject({ status: 'not_decision', grant: { action: 'open' } });
    expect(await actions.redeem(actionId, byReply, round(2))).toMatchObject({ status: 'not_decision' });
    expect(stored(actionId)!.usedAt).toBeUndefined();
  });

  it("a reply to the email's Open id decides its command, bound by the From address", async () => {
    const { actionId } = await actions.issue(input({ action: 'open' }));
    expect(await actions.redeem(actionId, { via: 'reply', address: 'other@ky-dcbs.example.org' }, round(2), 'approve')).toEqual({ status: 'foreign' });
    const r = await actions.redeem(actionId, byReply, round(2), 'return');
    expect(r).toMatchObject({ status: 'redeemed', decision: 'return' });
    expect(stored(actionId)).toMatchObject({ usedVia: 'reply', decision: 'return' });
    expect(await actions.redeem(actionId, byReply, round(2), 'approve')).toMatchObject({ status: 'used' });
  });

  it('a reply cannot use an Approve or Return link id, whatever its command', async () => {
    const { actionId } = await actions.issue(input({ action: 'approve' }));
    expect(await actions.redeem(actionId, byReply, round(2), 'approve')).toMatchObject({ status: 'not_decision' });
  });

  it('re-checks at the write what changed after the read: superseded, used, expired, reassigned, deleted', async () => {
    const cases: [string, (item: Record<string, unknown>) => void, string][] = [
      ['superseded', (i) => (i.supersededAt = 'later'), 'superseded'],
      ['used', (i) => (i.usedAt = 'later'), 'used'],
      ['expired', (i) => (i.expiresAtMs = START), 'expired'],
      ['new round', (i) => (i.round = 7), 'superseded'],
      ['reassigned', (i) => (i.subject = 'sub-other'), 'foreign'],
      ['deleted', () => undefined, 'unknown'],
    ];
    for (const [what, change, expected] of cases) {
      const { actionId } = await actions.issue(input({ recordId: `rec-${what.replace(/\W/g, '')}` }));
      const k = `${JID}#ACTIONS|ACTION#${actionIdDigest(actionId)}`;
      t.beforeCommand = (name) => {
        if (name !== 'Update') return;
        t.beforeCommand = undefined;
        if (what === 'deleted') t.items.delete(k);
        else change(t.items.get(k)!);
      };
      const r = await actions.redeem(actionId, me, round(2));
      expect(r.status, what).toBe(expected);
      if (expected === 'foreign' || expected === 'unknown') expect(r, what).toStrictEqual({ status: expected });
      expect(t.items.get(k)?.usedVia, what).toBeUndefined();
    }
  });

  it('a reply is re-checked on its address at the write', async () => {
    const { actionId } = await actions.issue(input({ action: 'open' }));
    const k = `${JID}#ACTIONS|ACTION#${actionIdDigest(actionId)}`;
    t.beforeCommand = (name) => {
      if (name === 'Update') {
        t.beforeCommand = undefined;
        t.items.get(k)!.addressDigest = addressDigest('new@ky-dcbs.example.org');
      }
    };
    expect(await actions.redeem(actionId, byReply, round(2), 'approve')).toStrictEqual({ status: 'foreign' });
  });

  it('a write refused by the condition while the item still reads as valid counts as used (never as a win)', async () => {
    const { actionId } = await actions.issue(input());
    const k = `${JID}#ACTIONS|ACTION#${actionIdDigest(actionId)}`;
    const saved = structuredClone(t.items.get(k)!);
    t.beforeCommand = (name) => {
      if (name === 'Update') {
        t.items.get(k)!.usedAt = 'racing';
        t.beforeCommand = (n) => {
          if (n === 'Get') {
            t.items.set(k, structuredClone(saved));
            t.beforeCommand = undefined;
          }
        };
      }
    };
    expect(await actions.redeem(actionId, me, round(2))).toMatchObject({ status: 'used', grant: { recordId: 'rec-1' } });
  });

  it('passes on errors that are not a failed condition', async () => {
    const { actionId } = await actions.issue(input());
    t.beforeCommand = (name) => {
      if (name === 'Update') throw new Error('throttled');
    };
    await expect(actions.redeem(actionId, me, round(2))).rejects.toThrow('throttled');
  });

  it('passes on anything thrown that is not a failed condition, even null', async () => {
    const { actionId } = await actions.issue(input());
    t.beforeCommand = (name) => {
      if (name === 'Update') throw null;
    };
    await expect(actions.redeem(actionId, me, round(2))).rejects.toBeNull();
  });

  it('reads its own writes: every read is consistent', async () => {
    const { actionId } = await actions.issue(input({ action: 'open' }));
    await actions.inspect(actionId, me, round(2));
    await actions.isBound(actionId, 'a@b.org');
    const k = `${JID}#ACTIONS|ACTION#${actionIdDigest(actionId)}`;
    t.beforeCommand = (name) => {
      if (name === 'Update') {
        t.beforeCommand = undefined;
        t.items.get(k)!.usedAt = 'x';
      }
    };
    await actions.redeem(actionId, byReply, round(2), 'approve');
    expect(t.log.filter((c) => c === 'Get').length).toBeGreaterThanOrEqual(5);
    expect(t.inconsistentGets).toBe(0);
  });

  it('reads the round of the record the id is for, once before the write', async () => {
    const { actionId } = await actions.issue(input({ recordId: 'rec-9' }));
    const asked: string[] = [];
    await actions.redeem(actionId, me, async (id) => (asked.push(id), 2));
    expect(asked).toEqual(['rec-9']);
  });
});

describe('release', () => {
  it('undoes the redeem that burned the id, so the reviewer can try again', async () => {
    const { actionId } = await actions.issue(input());
    const r = await actions.redeem(actionId, me, round(2));
    if (r.status !== 'redeemed') throw new Error(r.status);
    await actions.release(actionId, r);
    expect(stored(actionId)!.usedAt).toBeUndefined();
    expect(stored(actionId)!.usedVia).toBeUndefined();
    expect(stored(actionId)!.decision).toBeUndefined();
    expect((await actions.redeem(actionId, me, round(2))).status).toBe('redeemed');
  });

  it('never releases a burn it did not make, and ignores an id that is gone', async () => {
    const { actionId } = await actions.issue(input());
    const r = await actions.redeem(actionId, me, round(2));
    if (r.status !== 'redeemed') throw new Error(r.status);
    await actions.release(actionId, { usedAt: 'another time' });
    expect(stored(actionId)!.usedAt).toBe(r.usedAt);
    await actions.release(newActionId(), { usedAt: r.usedAt });
    expect(t.items.size).toBe(2);
  });

  it('passes on errors that are not a failed condition', async () => {
    const { actionId } = await actions.issue(input());
    t.beforeCommand = (name) => {
      if (name === 'Update') throw new Error('throttled');
    };
    await expect(actions.release(actionId, { usedAt: 'x' })).rejects.toThrow('throttled');
  });
});

describe('isBound and locateAction (the reply path)', () => {
  it("compares a reply's normalized From with the address the id was sent to", async () => {
    const { actionId } = await actions.issue(input({ action: 'open' }));
    expect(await actions.isBound(actionId, 'review-lead@ky-dcbs.example.org')).toBe(true);
    expect(await actions.isBound(actionId, 'someone@ky-dcbs.example.org')).toBe(false);
    expect(await actions.isBound(newActionId(), 'review-lead@ky-dcbs.example.org')).toBeUndefined();
  });

  it("finds the jurisdiction of an id through gsi1, and nothing for an unknown or malformed one", async () => {
    const { actionId } = await actions.issue(input());
    const other = await at('oh-franklin-fccs').issue(input());
    expect(await locateAction(t.client, TABLE, actionId)).toBe(JID);
    expect(await locateAction(t.client, TABLE, other.actionId)).toBe('oh-franklin-fccs');
    expect(await locateAction(t.client, TABLE, newActionId())).toBeUndefined();
    const queries = t.log.filter((c) => c === 'Query').length;
    expect(await locateAction(t.client, TABLE, 'not an id')).toBeUndefined();
    expect(t.log.filter((c) => c === 'Query').length).toBe(queries);
  });

  it('refuses to pick when two jurisdictions answer for one digest', async () => {
    const { actionId } = await actions.issue(input());
    const item = stored(actionId)!;
    t.items.set('copy', { ...item, pk: 'oh-franklin-fccs#ACTIONS' });
    expect(await locateAction(t.client, TABLE, actionId)).toBeUndefined();
    // The same jurisdiction twice is still one answer.
    t.items.set('copy', { ...item });
    expect(await locateAction(t.client, TABLE, actionId)).toBe(JID);
  });
});

describe('decisionFor', () => {
  const g = (action: ActionGrant['action']) => ({ action }) as ActionGrant;
  it('a link decides its own action; a reply decides its command on the Open id only', () => {
    expect(decisionFor(g('approve'), me, undefined)).toBe('approve');
    expect(decisionFor(g('return'), me, 'approve')).toBe('return');
    expect(decisionFor(g('open'), me, 'approve')).toBeUndefined();
    expect(decisionFor(g('open'), byReply, 'approve')).toBe('approve');
    expect(decisionFor(g('open'), byReply, 'return')).toBe('return');
    expect(decisionFor(g('open'), byReply, undefined)).toBeUndefined();
    expect(decisionFor(g('approve'), byReply, 'approve')).toBeUndefined();
    expect(decisionFor(g('return'), byReply, 'return')).toBeUndefined();
  });
});

describe('keys', () => {
  it('an action and its slot live in the jurisdiction partition ACTIONS', () => {
    expect(keys.reviewAction('d')).toEqual({ partition: 'ACTIONS', sk: 'ACTION#d' });
    expect(keys.reviewActionSlot('r', 12, 'open', 'x')).toEqual({ partition: 'ACTIONS', sk: 'SLOT#r#000012#open#x' });
  });
});
