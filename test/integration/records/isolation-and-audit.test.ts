import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { listAllAudit, listJurisdictionAudit } from '#shared/audit/store.ts';
import { timeSortableId } from '#shared/audit/ids.ts';
import { ForbiddenError, NotFoundError } from '#shared/errors.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { RECORD_NOT_FOUND_MESSAGE } from '#shared/records/errors.ts';
import { actorIn, auditItems, client, CURSOR_SECRET, failure, rawPartition, service, tableName, tableOf, uniqueJurisdiction } from './setup.ts';

const CIR = 'critical_incident_review';

describe('records: jurisdictions cannot reach each other', () => {
  it("another jurisdiction's handle cannot read, list, save, submit, transition or amend a record: 404 like a missing id", async () => {
    const short = uniqueJurisdiction('iso');
    // One id a prefix of the other, the edge case of key prefixes.
    for (const [owner, other] of [
      [short, `${short}-dcbs`],
      [`${short}-dcbs`, short],
    ] as const) {
      const records = service();
      const ownerTable = tableOf(owner);
      const me = actorIn(owner);
      const { record } = await records.createDraft(ownerTable, me, { formId: CIR, answers: sampleCriticalIncidentReview(1) as Answers });
      await records.submit(ownerTable, me, record.recordId, { expectedVersion: 1, submissionId: randomUUID() });
      await records.transition(ownerTable, actorIn(owner, 'reviewer'), record.recordId, { to: 'approved', expectedVersion: 2 });
      const before = await rawPartition(`${owner}#RECORDS`);

      const theirs = tableOf(other);
      const them = actorIn(other, 'jurisdiction_admin');
      const attempts = (id: string) => [
        () => records.get(theirs, them, id),
        () => records.saveDraft(theirs, them, id, { answers: {}, expectedVersion: 3 }),
        () => records.submit(theirs, them, id, { expectedVersion: 3, submissionId: randomUUID() }),
        () => records.transition(theirs, them, id, { to: 'returned', expectedVersion: 3, reason: 'x' }),
        () => records.amend(theirs, them, id, { reason: 'x', expectedVersion: 3 }),
        () => records.history(theirs, them, id),
      ];
      for (const id of [record.recordId, timeSortableId(), 'not-an-id']) {
        for (const attempt of attempts(id)) {
          const error = await failure(attempt(), NotFoundError, 404);
          expect(error.message).toBe(RECORD_NOT_FOUND_MESSAGE);
        }
      }
      const listed = (await records.list(theirs, them, { limit: 100 })).items;
      expect(listed.map((r) => r.recordId)).not.toContain(record.recordId);
      expect(listed.every((r) => r.jurisdictionId === other)).toBe(true);
      const audit = (await listJurisdictionAudit(theirs, { cursorSecret: CURSOR_SECRET, limit: 100 })).items;
      expect(audit.some((e) => e.recordId === record.recordId)).toBe(false);
      // Using the owner's data with a credential of the other is refused before any read.
      await failure(records.get(ownerTable, them, record.recordId), ForbiddenError, 403);
      expect(await rawPartition(`${owner}#RECORDS`)).toEqual(before);
      expect((await rawPartition(`${other}#RECORDS`)).some((i) => i.recordId === record.recordId)).toBe(false);
    }
  });
});

describe('audit events', () => {
  it('name the fields that changed and never carry a value, a reason or an identifier', async () => {
    const jid = uniqueJurisdiction('aud');
    const table = tableOf(jid);
    const me = actorIn(jid);
    const lead = actorIn(jid, 'reviewer');
    const records = service();
    const SECRETS = ['ZQX-NARRATIVE-7781', 'CIR-ZQX-4410', 'Ms Zqx Owner', 'ZQX-REASON-2291', 'ZQX-AMEND-5512', 'ZQX-RATIONALE-3307'];
    const base = sampleCriticalIncidentReview(2) as Answers;
    const answers: Answers = {
      ...base,
      review_id: SECRETS[1]!,
      narrative: `The team wrote ${SECRETS[0]}.`,
      sf_workload_rationale: SECRETS[5]!,
      improvement_opportunities: (base.improvement_opportunities as Record<string, string>[]).map((io) => ({ ...io, io_owner: SECRETS[2]! })),
    };

    const { record } = await records.createDraft(table, me, { formId: CIR, answers: { review_id: SECRETS[1]! } });
    await records.saveDraft(table, me, record.recordId, { answers, expectedVersion: 1 });
    const changed = { ...answers, narrative: 'Rewritten without the marker.' };
    await records.saveDraft(table, me, record.recordId, { answers: changed, expectedVersion: 2 });
    await records.submit(table, me, record.recordId, { expectedVersion: 3, submissionId: randomUUID() });
    await records.transition(table, lead, record.recordId, { to: 'returned', expectedVersion: 4, reason: SECRETS[3] });
    await records.submit(table, me, record.recordId, { expectedVersion: 5, submissionId: randomUUID() });
    await records.transition(table, lead, record.recordId, { to: 'approved', expectedVersion: 6 });
    await records.get(table, lead, record.recordId);
    await records.amend(table, lead, record.recordId, { reason: SECRETS[4]!, expectedVersion: 7 });

    const items = await auditItems(jid);
    expect(items.map((e) => e.action).sort()).toEqual(
      ['record.amended', 'record.created', 'record.read', 'record.saved', 'record.saved', 'record.status_changed', 'record.status_changed', 'record.submitted', 'record.submitted'].sort(),
    );
    const text = JSON.stringify(items);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const saves = items.filter((e) => e.action === 'record.saved').sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    expect(saves[0]!.changedFields).toEqual(expect.arrayContaining(['narrative', 'improvement_opportunities', 'io_owner', 'sf_workload_rationale']));
    expect(saves[0]!.changedFields).not.toContain('review_id');
    expect(saves[1]!.changedFields).toEqual(['narrative']);
    // The same items through the platform-wide index.
    const indexed = await client.send(
      new QueryCommand({ TableName: tableName(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :s)', ExpressionAttributeValues: { ':p': 'AUDIT#ALL', ':s': String(items[0]!.at).slice(0, 4) }, ScanIndexForward: false }),
    );
    const ours = (indexed.Items ?? []).filter((i) => String(i.pk) === `${jid}#AUDIT`);
    expect(ours).toHaveLength(items.length);
    for (const secret of SECRETS) expect(JSON.stringify(ours)).not.toContain(secret);
    // Reasons are kept where they belong: on the record and its kept versions.
    expect((await records.get(table, lead, record.recordId)).statusReason).toBe(SECRETS[4]);
    expect((await records.lastHandedBack(table, lead, record.recordId))?.reason).toBe(SECRETS[4]);
  });

  it('list newest first, page with opaque cursors, filter by time, and show every jurisdiction to platform admins', async () => {
    const jid = uniqueJurisdiction('aud');
    const table = tableOf(jid);
    const me = actorIn(jid);
    const records = service();
    const { record } = await records.createDraft(table, me, { formId: 'critical_incident_review' });
    for (let v = 1; v <= 6; v++) await records.saveDraft(table, me, record.recordId, { answers: { review_id: `R-${v}` }, expectedVersion: v });

    const all = await listJurisdictionAudit(table, { cursorSecret: CURSOR_SECRET, limit: 100 });
    expect(all.items).toHaveLength(7);
    expect(all.items.map((e) => e.at)).toEqual([...all.items.map((e) => e.at)].sort().reverse());
    expect(all.items.at(-1)!.action).toBe('record.created');
    expect(all.nextCursor).toBeUndefined();

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listJurisdictionAudit(table, { cursorSecret: CURSOR_SECRET, limit: 3, cursor });
      seen.push(...page.items.map((e) => e.eventId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((e) => e.eventId));

    expect((await listJurisdictionAudit(table, { cursorSecret: CURSOR_SECRET, to: '2000-01-01' })).items).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listJurisdictionAudit(table, { cursorSecret: CURSOR_SECRET, from: all.items[2]!.at, limit: 100 })).items).toHaveLength(3);
    expect((await listJurisdictionAudit(table, { cursorSecret: CURSOR_SECRET, from: today, to: today, limit: 100 })).items.length).toBeGreaterThanOrEqual(7);

    const first = await listJurisdictionAudit(table, { cursorSecret: CURSOR_SECRET, limit: 2 });
    const other = tableOf(uniqueJurisdiction('aud'));
    await expect(listJurisdictionAudit(other, { cursorSecret: CURSOR_SECRET, limit: 2, cursor: first.nextCursor })).rejects.toMatchObject({ status: 400 });
    await expect(listJurisdictionAudit(table, { cursorSecret: CURSOR_SECRET, limit: 2, cursor: `${first.nextCursor!.slice(0, -3)}abc` })).rejects.toMatchObject({ status: 400 });

    // Platform-wide: newest first across jurisdictions; our events appear, in order, through the cursors.
    const platform: { at: string; jurisdictionId: string; eventId: string }[] = [];
    cursor = undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await listAllAudit(client, tableName(), { cursorSecret: CURSOR_SECRET, limit: 100, cursor });
      platform.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor || platform.some((e) => e.eventId === all.items.at(-1)!.eventId)) break;
    }
    expect(platform.map((e) => e.at)).toEqual([...platform.map((e) => e.at)].sort().reverse());
    expect(platform.filter((e) => e.jurisdictionId === jid).map((e) => e.eventId)).toEqual(all.items.map((e) => e.eventId));
    await expect(listAllAudit(client, tableName(), { cursorSecret: CURSOR_SECRET, cursor: first.nextCursor })).rejects.toMatchObject({ status: 400 });
  });
});
