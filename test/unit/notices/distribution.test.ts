import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { MailMessage } from '#shared/mail/message.ts';
import { distributeNotice, publishedVersionOf, type DistributionDeps } from '#shared/notices/distribution.ts';
import { noticeLinkExpiry, type NoticeLinkGrant } from '#shared/notices/links.ts';
import type { PublishedNotice } from '#shared/notices/model.ts';
import { actionIdDigest } from '#shared/review/action-ids.ts';
import { keys } from '#shared/storage/keys.ts';
import type { ScopedKey, ScopedTable } from '#shared/storage/scoped-table.ts';
import { publishedNotice } from '../../support/notice-fixtures.ts';

const ORIGIN = 'https://safety.example.org';
const notice = publishedNotice;

const contact = (email: string) => ({ role: 'review-lead' as const, name: 'A contact', email });
const REGISTRY = [
  { id: 'ky-dcbs', name: 'Kentucky DCBS', active: true, contacts: [contact('issuer@ky.example.gov')] },
  { id: 'oh-franklin', name: 'Franklin County', active: true, contacts: [contact('lead@oh.example.gov'), contact('admin@oh.example.gov'), contact('LEAD@oh.example.gov ')] },
  { id: 'tn-dcs', name: 'Tennessee DCS', active: true, contacts: [contact('lead@tn.example.gov')] },
  { id: 'ga-left', name: 'Georgia (left)', active: false, contacts: [contact('lead@ga.example.gov')] },
];

/**
 * Each jurisdiction's items in memory, with the two writes distribution makes: sendOnce's claim and mark (a claim
 * fails once the marker says sent, as its condition does on DynamoDB; the conditions themselves run on DynamoDB Local
 * in test/integration/notice-distribution.test.ts) and a link's put.
 */
function world(current: Pick<PublishedNotice, 'version'> | undefined = { version: 1 }) {
  const items = new Map<string, Record<string, unknown>>();
  const id = (jid: string, k: ScopedKey) => `${jid}#${k.partition}|${k.sk}`;
  const tableFor = (jurisdictionId: string) =>
    ({
      jurisdictionId,
      get: async (k: ScopedKey) => items.get(id(jurisdictionId, k)),
      put: async (p: { key: ScopedKey; attributes: Record<string, unknown> }) => void items.set(id(jurisdictionId, p.key), { ...p.attributes }),
      update: async (u: { key: ScopedKey; update: { expression: string } }) => {
        const existing = items.get(id(jurisdictionId, u.key));
        if (u.update.expression.startsWith('SET #kind')) {
          if (existing?.state === 'sent') throw Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' });
          items.set(id(jurisdictionId, u.key), { state: 'sending' });
        } else items.set(id(jurisdictionId, u.key), { state: 'sent', messageId: '<m@x>' });
        return {};
      },
    }) as unknown as ScopedTable;
  const sent: MailMessage[] = [];
  const deps: DistributionDeps = {
    registry: async () => REGISTRY,
    current: async () => current,
    tableFor,
    send: async (m) => (sent.push(m), { kind: m.kind, messageId: `<${sent.length}@x>` }),
    appOrigin: ORIGIN,
    now: () => new Date('2026-03-01T10:00:05.000Z'),
  };
  const links = () => [...items.entries()].filter(([k]) => k.includes('#NOTICE_LINKS|')).map(([k, v]) => ({ key: k, ...(v as { grant: NoticeLinkGrant; expiresAt: number; gsi1pk: string }) }));
  return { deps, sent, items, links };
}

const linkIds = (m: MailMessage) => [...m.text.matchAll(/\/notice-links\/([A-Za-z0-9_-]{43})/g)].map((x) => x[1]!);

describe('distribution of a published notice version (shared/notices/distribution.ts)', () => {
  it('emails every contact of every active partner once (one per address, whatever its case), never the issuer or an inactive jurisdiction', async () => {
    const w = world();
    expect(await distributeNotice(w.deps, notice())).toEqual({ outcome: 'distributed', jurisdictions: 2, sent: 3, alreadySent: 0 });
    expect(w.sent.map((m) => m.to).sort()).toEqual(['admin@oh.example.gov', 'lead@oh.example.gov', 'lead@tn.example.gov']);
    expect(new Set(w.sent.map((m) => m.kind))).toEqual(new Set(['notice_published']));
    expect(w.sent.find((m) => m.to === 'lead@tn.example.gov')!.text).toContain('Acknowledge for Tennessee DCS');
  });

  it("gives each jurisdiction its own two links, stored in its own partition by digest, with the TTL in epoch seconds", async () => {
    const w = world();
    await distributeNotice(w.deps, notice());
    const oh = w.sent.filter((m) => m.to.endsWith('@oh.example.gov'));
    const tn = w.sent.find((m) => m.to.endsWith('@tn.example.gov'))!;
    // Both contacts of one jurisdiction get the same links; another jurisdiction gets others.
    expect(linkIds(oh[0]!)).toEqual(linkIds(oh[1]!));
    expect(linkIds(tn).some((x) => linkIds(oh[0]!).includes(x))).toBe(false);
    const stored = w.links();
    expect(stored).toHaveLength(4);
    const [ack, open] = linkIds(tn);
    const byDigest = (linkId: string) => stored.find((s) => s.key === `tn-dcs#NOTICE_LINKS|${keys.noticeLink(actionIdDigest(linkId)).sk}`);
    expect(byDigest(ack!)!.grant).toMatchObject({ issuerId: 'ky-dcbs', recordId: notice().recordId, jurisdictionId: 'tn-dcs', action: 'acknowledge', version: 1 });
    expect(byDigest(open!)!.grant.action).toBe('open');
    expect(byDigest(open!)!.gsi1pk).toBe(keys.noticeLinkIndex(actionIdDigest(open!)));
    // The plain id is never stored.
    expect(JSON.stringify([...w.items.entries()])).not.toContain(ack);
    expect(byDigest(ack!)!.expiresAt).toBe(Math.ceil(Date.parse(byDigest(ack!)!.grant.expiresAt) / 1000));
  });

  it('a rerun sends nothing twice and issues no new links', async () => {
    const w = world();
    await distributeNotice(w.deps, notice());
    const again = await distributeNotice(w.deps, notice());
    expect(again).toEqual({ outcome: 'distributed', jurisdictions: 2, sent: 0, alreadySent: 3 });
    expect(w.sent).toHaveLength(3);
    expect(w.links()).toHaveLength(4);
  });

  it('an update and a withdrawal are emails of their own; a withdrawal carries no acknowledge link', async () => {
    const w = world(undefined);
    await distributeNotice(w.deps, notice({ version: 2, changeReason: 'Reworded' }));
    await distributeNotice(w.deps, notice({ version: 3, status: 'withdrawn', changeReason: 'In error' }));
    expect(w.sent.filter((m) => m.kind === 'notice_updated')).toHaveLength(3);
    const withdrawn = w.sent.filter((m) => m.kind === 'notice_withdrawn');
    expect(withdrawn).toHaveLength(3);
    for (const m of withdrawn) expect(linkIds(m).length).toBeGreaterThan(0);
    expect(w.links().filter((l) => l.grant.version === 3).map((l) => l.grant.action)).toEqual(['open', 'open']);
  });

  it('a version replaced before it went out is not sent', async () => {
    const w = world({ version: 2 });
    expect(await distributeNotice(w.deps, notice({ version: 1 }))).toEqual({ outcome: 'superseded' });
    expect(w.sent).toEqual([]);
  });
});

describe('links expire 30 days after the action deadline, at least 30 days from now; 90 days without a deadline', () => {
  const now = new Date('2026-03-01T00:00:00.000Z');
  it.each([
    ['2026-06-30', '2026-07-30T23:59:59.999Z'],
    ['2026-02-01', '2026-03-31T00:00:00.000Z'],
    [undefined, '2026-05-30T00:00:00.000Z'],
  ])('act by %s: %s', (actBy, expected) => {
    expect(noticeLinkExpiry(actBy ? { actBy } : {}, now).toISOString()).toBe(expected);
  });
});

describe('publishedVersionOf: the stream records distribution reads', () => {
  const record = (eventName: DynamoDBRecord['eventName'], item: Record<string, unknown>): DynamoDBRecord =>
    ({ eventName, dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) } }) as unknown as DynamoDBRecord;
  it('a new or replaced current copy of a notice; nothing else', () => {
    const current = { pk: 'ky-dcbs#PUBLISHED', sk: `NOTICE#${notice().recordId}`, kind: 'published_notice', publicationVersion: 2, notice: notice({ version: 2 }) };
    expect(publishedVersionOf(record('INSERT', { ...current, publicationVersion: 1, notice: notice() }))?.version).toBe(1);
    expect(publishedVersionOf(record('MODIFY', current))?.version).toBe(2);
    expect(publishedVersionOf(record('REMOVE', current))).toBeUndefined();
    expect(publishedVersionOf(record('INSERT', { ...current, kind: 'published_notice_version' }))).toBeUndefined();
    expect(publishedVersionOf(record('INSERT', { ...current, kind: 'submission' }))).toBeUndefined();
    expect(publishedVersionOf(record('INSERT', { ...current, publicationVersion: 3 }))).toBeUndefined();
  });
});
