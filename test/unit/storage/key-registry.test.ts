import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { SessionStore } from '#shared/auth/sessions.ts';
import { SignInTransactionStore } from '#shared/auth/transactions.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { addJurisdiction, editJurisdiction } from '#shared/jurisdictions/admin.ts';
import { jurisdictionSchema, type Jurisdiction } from '#shared/jurisdictions/model.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { RecordService } from '#shared/records/service.ts';
import { GSI1, keys, leadingKeyPatterns } from '#shared/storage/keys.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { SurveyWaves } from '#shared/survey/store.ts';
import { StaffLists } from '#shared/survey/invitations/store.ts';
import { sendOnce } from '#shared/mail/once.ts';
import { ActionIds } from '#shared/review/action-store.ts';
import { savePrecheck } from '#shared/notices/precheck-store.ts';
import { issueNoticeLink } from '#shared/notices/links.ts';

type Item = Record<string, unknown>;
/** Every audit event any store below put, with its condition: the last test checks that none can overwrite. */
const AUDIT_PUTS: { action: string; condition: string | undefined }[] = [];
interface Written {
  pk: string;
  sk: string;
  gsi1pk?: unknown;
  gsi1sk?: unknown;
  /** An update or delete: it names the key only, so its index attributes are the ones a put wrote. */
  keyOnly?: true;
}

/**
 * An in-memory table that records the key of every write (put, update, delete, in or outside a transaction).
 * Conditions are not evaluated: the stores' conditions are covered by the integration tests on DynamoDB Local.
 */
class RecordingTable {
  readonly items = new Map<string, Item>();
  readonly written: Written[] = [];
  private static id = (k: Item) => `${String(k.pk)}|${String(k.sk)}`;

  get client(): DynamoDBDocumentClient {
    const translateConfig = { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS };
    return { config: { translateConfig }, send: async (command: unknown) => this.send(command) } as unknown as DynamoDBDocumentClient;
  }

  private put(item: Item, condition: string | undefined) {
    if (String(item.pk).endsWith('#AUDIT')) AUDIT_PUTS.push({ action: String(item.action), condition });
    this.written.push({ pk: String(item.pk), sk: String(item.sk), gsi1pk: item[GSI1.pk], gsi1sk: item[GSI1.sk] });
    this.items.set(RecordingTable.id(item), structuredClone(item));
  }

  private touch(key: Item) {
    this.written.push({ pk: String(key.pk), sk: String(key.sk), keyOnly: true });
  }

  private async send(command: unknown): Promise<Item> {
    if (command instanceof PutCommand) return (this.put(command.input.Item as Item, command.input.ConditionExpression), {});
    if (command instanceof UpdateCommand) return (this.touch(command.input.Key as Item), { Attributes: this.items.get(RecordingTable.id(command.input.Key as Item)) });
    if (command instanceof DeleteCommand) {
      this.touch(command.input.Key as Item);
      return { Attributes: this.items.get(RecordingTable.id(command.input.Key as Item)) };
    }
    if (command instanceof GetCommand) return { Item: structuredClone(this.items.get(RecordingTable.id(command.input.Key as Item))) };
    if (command instanceof QueryCommand) {
      const pk = command.input.ExpressionAttributeValues?.[':pk'];
      return { Items: [...this.items.values()].filter((i) => i.pk === pk).map((i) => structuredClone(i)) };
    }
    if (command instanceof TransactWriteCommand) {
      for (const t of command.input.TransactItems ?? []) {
        if (t.Put) this.put(t.Put.Item as Item, t.Put.ConditionExpression);
        if (t.Update) this.touch(t.Update.Key as Item);
        if (t.Delete) this.touch(t.Delete.Key as Item);
      }
      return {};
    }
    throw new Error(`RecordingTable does not support ${(command as object).constructor.name}`);
  }
}

/** IAM StringLike: `*` is any run of characters, `?` any one character. */
const likeToRegExp = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
const like = (value: string, patterns: readonly string[]) => patterns.some((p) => likeToRegExp(p).test(value));

const A = '\u0001a';
const B = '\u0001b';
const C = '\u0001c';
/** A registry builder called with markers, as a pattern that matches every key the builder can produce. */
const shape = (value: string) => new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\u0001[abc]/g, '[^]+')}$`);
const owned = (suffix: string) => keys.owned(A, suffix);

type Grant = 'sessions' | 'survey' | 'audit' | 'jurisdiction';
/** The dynamodb:LeadingKeys patterns of each grant (a jurisdiction's own partitions: those of the test's jurisdiction). */
const grantPatterns = (grant: Grant, jurisdictionId: string): readonly string[] =>
  grant === 'jurisdiction' ? leadingKeyPatterns.jurisdiction(jurisdictionId) : leadingKeyPatterns[grant];
const GRANTS: readonly Grant[] = ['sessions', 'survey', 'audit', 'jurisdiction'];

/**
 * Every kind of item, as the registry builds its key, and the grants whose patterns its partition key falls under
 * (and no other). Stored partition keys of jurisdiction-owned items are `keys.owned(<jurisdiction>, suffix)`.
 */
const KINDS: { kind: string; pk: RegExp; sk: RegExp; grants: readonly Grant[]; profile?: true; gsi1?: [RegExp, RegExp] }[] = [
  { kind: 'session', pk: shape(keys.session(A).pk), sk: shape(keys.session(A).sk), grants: ['sessions'] },
  { kind: 'sign-in', pk: shape(keys.signIn(A).pk), sk: shape(keys.signIn(A).sk), grants: ['sessions'] },
  {
    kind: 'jurisdiction profile',
    pk: shape(keys.jurisdictionProfile(A).pk),
    sk: shape(keys.jurisdictionProfile(A).sk),
    grants: ['jurisdiction'],
    profile: true,
    gsi1: [shape(keys.registryPartition), shape(keys.registrySort(B, C))],
  },
  { kind: 'record', pk: shape(owned(keys.record(B).partition)), sk: shape(keys.record(B).sk), grants: ['jurisdiction'] },
  { kind: 'submission receipt', pk: shape(owned(keys.submission(B, C).partition)), sk: shape(keys.submission(B, C).sk), grants: ['jurisdiction'] },
  { kind: 'read marker', pk: shape(owned(keys.readMarker(B, C).partition)), sk: shape(keys.readMarker(B, C).sk), grants: ['jurisdiction'] },
  { kind: 'kept version', pk: shape(owned(keys.version(B, 7).partition)), sk: new RegExp(`^${keys.version(B, 0).sk.replace(/0+$/, '')}\\d{9}$`), grants: ['jurisdiction'] },
  { kind: 'notice precheck', pk: shape(owned(keys.noticePrecheck(B, 7).partition)), sk: new RegExp(`^${keys.noticePrecheck(B, 0).sk.replace(/0+$/, '')}\\d{9}$`), grants: ['jurisdiction'] },
  { kind: 'create receipt', pk: shape(owned(keys.createReceipt(B).partition)), sk: shape(keys.createReceipt(B).sk), grants: ['jurisdiction'] },
  {
    kind: 'audit event',
    pk: shape(owned(keys.auditEvent(B, C).partition)),
    sk: shape(keys.auditEvent(B, C).sk),
    grants: ['jurisdiction', 'audit'],
    gsi1: [shape(keys.auditIndexPartition), shape(keys.auditIndexSort(A, B, C))],
  },
  { kind: 'survey wave', pk: shape(owned(keys.surveyWave(B).partition)), sk: shape(keys.surveyWave(B).sk), grants: ['jurisdiction', 'survey'] },
  { kind: 'survey link', pk: shape(owned(keys.surveyLink(B).partition)), sk: shape(keys.surveyLink(B).sk), grants: ['jurisdiction', 'survey'] },
  { kind: 'survey response', pk: shape(owned(keys.surveyResponse(B, C).partition)), sk: shape(keys.surveyResponse(B, C).sk), grants: ['jurisdiction', 'survey'] },
  { kind: 'mail marker', pk: shape(owned(keys.mailMarker(B).partition)), sk: shape(keys.mailMarker(B).sk), grants: ['jurisdiction'] },
  { kind: 'survey import chunk', pk: shape(owned(keys.surveyImportChunk(B, C, 0).partition)), sk: new RegExp(`^${keys.surveyImportChunk(B, '\u0002', 0).sk.replace(B, '[^#]+').replace('\u0002', '[^#]+').replace('0000', '\\d{4}')}$`), grants: ['jurisdiction', 'survey'] },
  { kind: 'survey staff member', pk: shape(owned(keys.surveyMember(B, C).partition)), sk: shape(keys.surveyMember(B, C).sk), grants: ['jurisdiction', 'survey'] },
  { kind: 'survey invitation', pk: shape(owned(keys.surveyInvitation(B, C).partition)), sk: shape(keys.surveyInvitation(B, C).sk), grants: ['jurisdiction', 'survey'] },
  { kind: 'survey used link', pk: shape(owned(keys.surveyUsedLink(B, C).partition)), sk: shape(keys.surveyUsedLink(B, C).sk), grants: ['jurisdiction', 'survey'] },
  { kind: 'survey mail marker', pk: shape(owned(keys.surveyMailMarker(B, C).partition)), sk: shape(keys.surveyMailMarker(B, C).sk), grants: ['jurisdiction', 'survey'] },
  {
    kind: 'review action',
    pk: shape(owned(keys.reviewAction(B).partition)),
    sk: shape(keys.reviewAction(B).sk),
    grants: ['jurisdiction'],
    gsi1: [shape(keys.reviewActionIndex(B)), shape(keys.reviewActionIndexSort)],
  },
  {
    kind: 'notice link',
    pk: shape(owned(keys.noticeLink(B).partition)),
    sk: shape(keys.noticeLink(B).sk),
    grants: ['jurisdiction'],
    gsi1: [shape(keys.noticeLinkIndex(B)), shape(keys.noticeLinkIndexSort)],
  },
  {
    kind: 'review action slot',
    pk: shape(owned(keys.reviewActionSlot(B, 1, 'open', C).partition)),
    sk: new RegExp(`^${keys.reviewActionSlot('\u0002', 0, '\u0003', '\u0004').sk.replace('\u0002', '[^#]+').replace('000000', '\\d{6}').replace('\u0003', '(?:approve|return|open)').replace('\u0004', '[0-9a-f]{32}')}$`),
    grants: ['jurisdiction'],
  },
];

/** Each written key: built by exactly one registry builder, under the IAM patterns of its kind's grants and no other. */
function checkWritten(written: readonly Written[], jurisdictionId: string): string[] {
  expect(written.length).toBeGreaterThan(0);
  const kinds: string[] = [];
  for (const w of written) {
    const matches = KINDS.filter((k) => k.pk.test(w.pk) && k.sk.test(w.sk));
    expect(matches.map((k) => k.kind), `${w.pk} / ${w.sk} is built by exactly one registry builder`).toHaveLength(1);
    const kind = matches[0]!;
    kinds.push(kind.kind);
    for (const grant of GRANTS) {
      expect(like(w.pk, grantPatterns(grant, jurisdictionId)), `${w.pk} (${kind.kind}) ${kind.grants.includes(grant) ? 'is' : 'is not'} under the ${grant} grant`).toBe(kind.grants.includes(grant));
    }
    // The auth function reads profiles only: keys outside `*#*`.
    expect(like(w.pk, leadingKeyPatterns.notProfile), `${w.pk} (${kind.kind}) and the profile-read grant`).toBe(!kind.profile);
    if (w.keyOnly) continue;
    if (kind.gsi1) {
      expect(String(w.gsi1pk)).toMatch(kind.gsi1[0]);
      expect(String(w.gsi1sk)).toMatch(kind.gsi1[1]);
    } else {
      expect(w.gsi1pk, `${kind.kind} is not indexed`).toBeUndefined();
    }
  }
  return kinds;
}

const SEED = JSON.parse(readFileSync(new URL('../../../seed/jurisdictions.json', import.meta.url), 'utf8')) as { jurisdictions: Jurisdiction[] };
const sampleJurisdiction = (id: string): Jurisdiction => jurisdictionSchema.parse({ ...SEED.jurisdictions[0]!, id });

describe('key registry (shared/storage/keys.ts): every key a store writes', () => {
  it('the IAM patterns are what the grants have always said', () => {
    expect(leadingKeyPatterns.sessions).toEqual(['SESSION#*', 'SIGNIN#*']);
    expect(leadingKeyPatterns.survey).toEqual(['*#SURVEY', '*#SURVEY#*']);
    expect(leadingKeyPatterns.audit).toEqual(['*#AUDIT']);
    expect(leadingKeyPatterns.notProfile).toEqual(['*#*']);
    expect(leadingKeyPatterns.jurisdiction('ky-dcbs')).toEqual(['ky-dcbs', 'ky-dcbs#*']);
    // `ky#*` never matches another jurisdiction whose id starts with `ky`.
    expect(like('ky-dcbs#RECORDS', leadingKeyPatterns.jurisdiction('ky'))).toBe(false);
  });

  it('sessions and sign-in transactions: under the sessions grant, outside every jurisdiction', async () => {
    const t = new RecordingTable();
    const sessions = new SessionStore('t', { client: t.client });
    const { setCookie } = await sessions.createSession({ subject: 'sub-1', role: 'submitter', jurisdictionId: 'ky-dcbs' });
    await sessions.endSession([setCookie.split(';')[0]!]);
    await new SignInTransactionStore('t', { secureCookies: true, client: t.client }).put({ state: 's', nonce: 'n', codeVerifier: 'v'.repeat(43), returnTo: '/' });
    expect(checkWritten(t.written, 'ky-dcbs')).toEqual(['session', 'session', 'sign-in']);
  });

  it('the registry: profiles (bare jurisdiction id, listed on gsi1) and their audit events', async () => {
    const t = new RecordingTable();
    const store = new JurisdictionStore('t', t.client);
    await store.create(sampleJurisdiction('ky-one'));
    expect(checkWritten(t.written, 'ky-one')).toEqual(['jurisdiction profile']);
    const t2 = new RecordingTable();
    const editor = { subject: 'sub-admin', role: 'platform_admin', requestId: 'req-1' };
    await addJurisdiction(t2.client, 't', sampleJurisdiction('ky-two'), editor);
    await editJurisdiction(t2.client, new JurisdictionStore('t', t2.client), { ...sampleJurisdiction('ky-two'), name: 'Renamed' }, 1, editor);
    expect(checkWritten(t2.written, 'ky-two')).toEqual(['jurisdiction profile', 'audit event', 'jurisdiction profile', 'audit event']);
  });

  it('records: drafts, saves, submissions, reads, transitions and amendments', async () => {
    const t = new RecordingTable();
    const jid = 'ky-dcbs';
    const table = scopedTable(t.client, 't', jid);
    const records = new RecordService({ cursorSecret: 'x'.repeat(32) });
    const actor = { subject: 'sub-1', role: 'submitter', jurisdictionId: jid, requestId: 'req-1' };
    const review = sampleCriticalIncidentReview(2) as Answers;
    const { record } = await records.createDraft(table, actor, { formId: 'critical_incident_review', answers: { review_id: review.review_id }, clientRequestId: randomUUID() });
    await records.saveDraft(table, actor, record.recordId, { answers: review, expectedVersion: 1 });
    await records.submit(table, actor, record.recordId, { expectedVersion: 2, submissionId: randomUUID() });
    const reviewer = { ...actor, subject: 'sub-2', role: 'reviewer' };
    await records.get(table, reviewer, record.recordId, { readerSession: 'session-digest' });
    await records.transition(table, reviewer, record.recordId, { to: 'approved', expectedVersion: 3 });
    await records.amend(table, reviewer, record.recordId, { reason: 'A date was wrong', expectedVersion: 4 });
    const kinds = checkWritten(t.written, jid);
    for (const kind of ['record', 'create receipt', 'submission receipt', 'read marker', 'kept version', 'audit event']) expect(kinds).toContain(kind);
  });

  it('review action ids: issued (and re-issued), redeemed, released', async () => {
    const t = new RecordingTable();
    const jid = 'ky-dcbs';
    const actions = new ActionIds(scopedTable(t.client, 't', jid));
    const input = { recordId: 'rec-1', round: 1, action: 'approve', reviewer: { subject: 'sub-2', address: 'review-lead@ky-dcbs.example.org' } } as const;
    await actions.issue(input);
    const { actionId } = await actions.issue(input);
    const redeemed = await actions.redeem(actionId, { via: 'web', subject: 'sub-2' }, async () => 1);
    expect(redeemed.status).toBe('redeemed');
    await actions.release(actionId, redeemed as { usedAt: string });
    const kinds = checkWritten(t.written, jid);
    expect(new Set(kinds)).toEqual(new Set(['review action', 'review action slot']));
  });

  it('survey waves: waves, links, anonymous responses and the audit events of opening and closing', async () => {
    const t = new RecordingTable();
    const jid = 'ky-dcbs';
    const waves = new SurveyWaves(scopedTable(t.client, 't', jid));
    const actor = { subject: 'sub-1', role: 'jurisdiction_admin', jurisdictionId: jid, requestId: 'req-1' };
    const wave = await waves.open(actor, { title: 'Spring', closesOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) }, 1);
    await waves.respond(wave, randomUUID(), {});
    await waves.close(actor, wave.waveId);
    const kinds = checkWritten(t.written, jid);
    for (const kind of ['survey wave', 'survey link', 'survey response', 'audit event']) expect(kinds).toContain(kind);
  });

  it('survey staff lists: import chunks, members, invitations, used links, email markers, all in the wave staff partition', async () => {
    const t = new RecordingTable();
    const jid = 'ky-dcbs';
    const table = scopedTable(t.client, 't', jid);
    const waves = new SurveyWaves(table);
    const actor = { subject: 'sub-1', role: 'jurisdiction_admin', jurisdictionId: jid, requestId: 'req-1' };
    const wave = await waves.open(actor, { title: 'Spring', closesOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10), mode: 'invitations' }, 1);
    const lists = new StaffLists(table);
    const staged = await lists.stage(wave.waveId, [{ line: 2, email: 'jane@agency.example.gov', unit: 'intake' }]);
    await lists.writeInvitations('secret', wave.waveId, staged.importId, 0, 0, 100);
    await lists.commitImport(wave.waveId, staged.importId);
    const invitations = (await lists.invitations(wave.waveId, 100)).items.filter((i) => i.invitationId);
    const digest = invitations[0]!.digest;
    await sendOnce({ table, occasion: { survey: { waveId: wave.waveId, invitationId: invitations[0]!.invitationId }, round: 0 }, message: { kind: 'survey_invitation', to: 'jane@agency.example.gov', subject: 'Survey', html: '<p>x</p>', text: 'x' }, send: async () => ({ kind: 'survey_invitation', messageId: '<m@x>' }) });
    await lists.markSent(wave.waveId, digest);
    await lists.respond({ wave: { ...wave, imports: [staged.importId] }, digest, unit: 'intake' }, {});
    await lists.deleteSome(wave.waveId, 100);
    const kinds = checkWritten(t.written, jid);
    for (const kind of ['survey import chunk', 'survey staff member', 'survey invitation', 'survey used link', 'survey mail marker', 'survey response']) expect(kinds).toContain(kind);
    // No key holds an address (the member key does: it is the list, deleted at close, and the one key that does).
    for (const w of t.written.filter((x) => !x.sk.startsWith('MEMBER#'))) expect(w.sk).not.toContain('jane@');
  });

  it('mail markers: the exactly-once marker of each email, under its jurisdiction only', async () => {
    const t = new RecordingTable();
    const jid = 'ky-dcbs';
    const message = { kind: 'approved' as const, to: 'submitter@ky-dcbs.example.org', subject: 'Approved: CIR-1', html: '<p>x</p>', text: 'x' };
    await sendOnce({ table: scopedTable(t.client, 't', jid), occasion: { recordId: 'REC1', submissionId: 'sub-00000001' }, message, send: async () => ({ kind: 'approved', messageId: '<m@x>' }) });
    await sendOnce({ table: scopedTable(t.client, 't', jid), occasion: { day: '2026-03-04' }, message: { ...message, kind: 'reminder' }, send: async () => ({ kind: 'reminder', messageId: '<m@x>' }) });
    const kinds = checkWritten(t.written, jid);
    expect(new Set(kinds)).toEqual(new Set(['mail marker']));
    // The key names the event and a digest of the recipient, never the address.
    for (const w of t.written) expect(w.sk).not.toContain('submitter@');
  });

  it("notices' distribution: links and mail markers in the recipient's partitions, under notice-tasks' write patterns only", async () => {
    const t = new RecordingTable();
    const table = scopedTable(t.client, 't', 'oh-franklin');
    await issueNoticeLink(table, { issuerId: 'ky-dcbs', recordId: 'REC1', version: 1 }, 'acknowledge');
    await sendOnce({
      table,
      occasion: { notice: { issuerId: 'ky-dcbs', recordId: 'REC1', version: 1 } },
      message: { kind: 'notice_published', to: 'lead@oh.example.gov', subject: 's', html: '<p>x</p>', text: 'x' },
      send: async () => ({ kind: 'notice_published', messageId: '<m@x>' }),
    });
    expect(new Set(checkWritten(t.written, 'oh-franklin'))).toEqual(new Set(['notice link', 'mail marker']));
    expect(like(t.written[0]!.pk, leadingKeyPatterns.noticeDistributionLinks)).toBe(true);
    for (const w of t.written.slice(1)) expect(like(w.pk, leadingKeyPatterns.noticeDistributionMarkers)).toBe(true);
    for (const pk of ['oh-franklin#RECORDS', 'oh-franklin#AUDIT', 'oh-franklin#NOTICE_ANSWERS', 'oh-franklin#ACTIONS', 'SESSION#x', 'oh-franklin']) {
      expect(like(pk, [...leadingKeyPatterns.noticeDistributionLinks, ...leadingKeyPatterns.noticeDistributionMarkers, ...leadingKeyPatterns.noticeDistributionReads]), pk).toBe(false);
    }
    expect(like(keys.owned('ky-dcbs', keys.publishedNotice('REC1').partition), leadingKeyPatterns.noticeDistributionReads)).toBe(true);
  });

  it("notices' pre-publication checks: in the record's partition, under the notice-tasks write pattern and its jurisdiction only", async () => {
    const t = new RecordingTable();
    const report = { fields: [], findingCount: 0 };
    await savePrecheck(scopedTable(t.client, 't', 'ky-dcbs'), { recordId: 'REC1', version: 12, submissionId: 's-1', formVersion: 2, checkedAt: '2026-01-01T00:00:00.000Z', report });
    expect(checkWritten(t.written, 'ky-dcbs')).toEqual(['notice precheck']);
    expect(t.written.map((w) => [w.pk, w.sk])).toEqual([['ky-dcbs#REC#REC1', 'PRECHECK#000000012']]);
    expect(like(t.written[0]!.pk, leadingKeyPatterns.noticePrecheckWrites)).toBe(true);
    expect(like(keys.owned('ky-dcbs', keys.record('REC1').partition), leadingKeyPatterns.noticePrecheckReads)).toBe(true);
    // Its write grant reaches no other kind of partition: not the records themselves, audit, mail, sessions.
    for (const pk of ['ky-dcbs#RECORDS', 'ky-dcbs#AUDIT', 'ky-dcbs#MAIL', 'SESSION#x', 'ky-dcbs']) expect(like(pk, leadingKeyPatterns.noticePrecheckWrites), pk).toBe(false);
  });

  it('every audit event those stores wrote is a put that only creates (attribute_not_exists(pk)): none can overwrite one', () => {
    expect(new Set(AUDIT_PUTS.map((p) => p.action))).toEqual(
      new Set(['registry.created', 'registry.updated', 'record.created', 'record.saved', 'record.submitted', 'record.read', 'record.status_changed', 'record.amended', 'survey.opened', 'survey.closed']),
    );
    for (const put of AUDIT_PUTS) expect(put.condition, put.action).toBe('attribute_not_exists(pk)');
  });
});
