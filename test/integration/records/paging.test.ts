import { describe, expect, it } from 'vitest';
import { BadRequestError } from '#shared/errors.ts';
import { actorIn, failure, service, tableOf, uniqueJurisdiction } from './setup.ts';

describe('records: listing with cursors', () => {
  it('pages through 60 records in pages of 25, each exactly once, newest first; filters are Query filters', async () => {
    const jid = uniqueJurisdiction('pg');
    const table = tableOf(jid);
    const me = actorIn(jid);
    // The safety notice looks up its issuing jurisdiction in the form context.
    const records = service({ formContext: (j) => ({ jurisdictions: [{ code: j, label: j }] }) });
    const created: string[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const made = await Promise.all(
        Array.from({ length: 10 }, (_, i) => records.createDraft(table, me, { formId: (batch * 10 + i) % 3 === 0 ? 'safety_notice' : 'critical_incident_review' })),
      );
      created.push(...made.map((m) => m.record.recordId));
    }

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await records.list(table, me, { limit: 25, cursor });
      pages.push(page.items.map((r) => r.recordId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([25, 25, 10]);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(60);
    expect([...seen].sort()).toEqual([...created].sort());
    expect(seen).toEqual([...seen].sort().reverse());

    const notices = await records.list(table, me, { formId: 'safety_notice', limit: 100 });
    expect(notices.items).toHaveLength(20);
    expect(notices.items.every((r) => r.formId === 'safety_notice')).toBe(true);
    // Filtered pages continue too.
    const firstNotices = await records.list(table, me, { formId: 'safety_notice', status: ['draft', 'returned'], limit: 15 });
    const restNotices = await records.list(table, me, { formId: 'safety_notice', status: ['draft', 'returned'], limit: 15, cursor: firstNotices.nextCursor });
    expect([...firstNotices.items, ...restNotices.items].map((r) => r.recordId)).toEqual(notices.items.map((r) => r.recordId));
    expect(restNotices.nextCursor).toBeUndefined();
    expect((await records.list(table, me, { status: 'submitted' })).items).toEqual([]);

    const today = new Date().toISOString().slice(0, 10);
    expect((await records.list(table, me, { from: today, to: today, limit: 100 })).items).toHaveLength(60);
    expect((await records.list(table, me, { to: '2000-01-01' })).items).toEqual([]);
    await expect(records.list(table, me, { from: '2030-01-02', to: '2030-01-01' })).rejects.toMatchObject({ status: 422 });
  });

  it('refuses a tampered cursor, one from another jurisdiction, and one from another filter', async () => {
    const a = uniqueJurisdiction('pg');
    const b = `${a}-dcbs`;
    const records = service();
    for (const jid of [a, b]) {
      const made = await Promise.all(Array.from({ length: 3 }, () => records.createDraft(tableOf(jid), actorIn(jid), { formId: 'critical_incident_review' })));
      expect(made).toHaveLength(3);
    }
    const pageA = await records.list(tableOf(a), actorIn(a), { limit: 1 });
    const pageB = await records.list(tableOf(b), actorIn(b), { limit: 1 });
    expect(pageA.nextCursor).toBeDefined();
    const tampered = pageA.nextCursor!.slice(0, 10) + (pageA.nextCursor![10] === 'A' ? 'B' : 'A') + pageA.nextCursor!.slice(11);
    for (const [jid, cursor, query] of [
      [a, tampered, {}],
      [a, pageB.nextCursor!, {}],
      [b, pageA.nextCursor!, {}],
      [a, pageA.nextCursor!, { formId: 'safety_notice' }],
      [a, 'garbage', {}],
    ] as const) {
      const error = await failure(records.list(tableOf(jid), actorIn(jid), { limit: 1, cursor, ...query }), BadRequestError, 400);
      expect(error.message).toMatch(/not valid/);
    }
    // The genuine cursor continues where the first page ended.
    const next = await records.list(tableOf(a), actorIn(a), { limit: 5, cursor: pageA.nextCursor });
    expect(next.items.map((r) => r.recordId)).not.toContain(pageA.items[0]!.recordId);
    expect(next.items).toHaveLength(2);
  });
});

describe('records: search by review id or title', () => {
  it('matches a normalized substring of the name, keeps reading past pages the filter empties, and never crosses jurisdictions', async () => {
    const a = uniqueJurisdiction('sr');
    const b = `${a}-dcbs`; // a's id is a prefix of b's: the partition key must still keep them apart
    const records = service({ formContext: (j) => ({ jurisdictions: [{ code: j, label: j }] }) });
    const review = (jid: string, reviewId?: string) =>
      records.createDraft(tableOf(jid), actorIn(jid), { formId: 'critical_incident_review', ...(reviewId ? { answers: { review_id: reviewId } } : {}) });
    // The matches are the oldest records: a newest-first page must read through 150 non-matching ones to find them.
    const matches = [];
    for (const id of ['CIR-2024-017', 'cir-2024-0170', 'CIR-2024-017-B']) matches.push((await review(a, id)).record);
    for (let batch = 0; batch < 6; batch++) await Promise.all(Array.from({ length: 25 }, (_, i) => review(a, i % 2 ? `OTHER-${batch}-${i}` : undefined)));
    await review(b, 'CIR-2024-017');
    const notice = await records.createDraft(tableOf(a), actorIn(a), { formId: 'safety_notice', answers: { title: 'Safe sleep after discharge' } });

    expect(matches.map((r) => r.reference)).toEqual(['CIR-2024-017', 'cir-2024-0170', 'CIR-2024-017-B']);
    const found = await records.list(tableOf(a), actorIn(a), { search: 'cir 2024-017', limit: 3 });
    expect(found.items.map((r) => r.recordId)).toEqual(matches.map((r) => r.recordId).reverse());
    expect(found.items.every((r) => r.jurisdictionId === a)).toBe(true);
    expect(found.nextCursor).toBeUndefined();

    // Paged: two then one, the cursor bound to the search.
    const first = await records.list(tableOf(a), actorIn(a), { search: 'CIR2024017', limit: 2 });
    expect(first.items).toHaveLength(2);
    const rest = await records.list(tableOf(a), actorIn(a), { search: 'CIR2024017', limit: 2, cursor: first.nextCursor });
    expect([...first.items, ...rest.items].map((r) => r.recordId)).toEqual(found.items.map((r) => r.recordId));
    await expect(records.list(tableOf(a), actorIn(a), { search: 'OTHER', limit: 2, cursor: first.nextCursor })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/cursor/) });

    // Titles too, combined with the other filters.
    expect((await records.list(tableOf(a), actorIn(a), { search: 'SLEEP after', formId: 'safety_notice' })).items.map((r) => r.recordId)).toEqual([notice.record.recordId]);
    expect((await records.list(tableOf(a), actorIn(a), { search: 'sleep', formId: 'critical_incident_review' })).items).toEqual([]);
    expect((await records.list(tableOf(a), actorIn(a), { search: 'CIR-2024-017', status: 'submitted' })).items).toEqual([]);
    // The other jurisdiction finds only its own.
    const other = await records.list(tableOf(b), actorIn(b), { search: 'CIR-2024-017' });
    expect(other.items).toHaveLength(1);
    expect(other.items[0]!.jurisdictionId).toBe(b);
    await expect(records.list(tableOf(a), actorIn(a), { search: '--' })).rejects.toMatchObject({ status: 422 });
  });

  it('names a record from its answers on every save, so lists show it without reading answers', async () => {
    const jid = uniqueJurisdiction('sr');
    const records = service();
    const me = actorIn(jid);
    const { record } = await records.createDraft(tableOf(jid), me, { formId: 'critical_incident_review' });
    expect(record.reference).toBeUndefined();
    expect((await records.list(tableOf(jid), me)).items[0]).not.toHaveProperty('reference');
    const saved = await records.saveDraft(tableOf(jid), me, record.recordId, { answers: { review_id: 'KY-77' }, expectedVersion: 1 });
    expect(saved.reference).toBe('KY-77');
    expect((await records.list(tableOf(jid), me)).items[0]).toMatchObject({ recordId: record.recordId, reference: 'KY-77' });
    expect((await records.list(tableOf(jid), me, { search: 'ky77' })).items).toHaveLength(1);
  });
});
