/**
 * Safety notices (docs/notices.md) against DynamoDB Local (started here, stopped at the end):
 * - publishing: the approval of a notice (which publishes it in the same transaction) against the approval of a
 *   critical incident review, write units and latency, interleaved; then its distribution to 100 partner
 *   jurisdictions of 2 contacts each (links issued, one email per contact through the exactly-once marker; the send
 *   itself is an in-memory transport here, so SES's latency is not in the figure), time and write units; a second
 *   delivery of the same stream record (sends nothing); then the 100 partners acknowledge it (time and write units),
 *   and the issuer's status table reads their 100 answers;
 * - the library: 1,000 published notices of 10 issuers listed (one gsi1 Query, paged) and the library page rendered
 *   to HTML, pages per second.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTables, startDynamoDb } from '#local/standins/dynamodb.ts';
import { freePort } from '#local/standins/ports.ts';
import type { Actor } from '#shared/audit/model.ts';
import { sampleCriticalIncidentReview, sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { answerNotice, answersTo } from '#shared/notices/answers.ts';
import { distributeNotice } from '#shared/notices/distribution.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { PublishedNotices, publicationOf } from '#shared/notices/published.ts';
import { statusRows } from '#shared/notices/status.ts';
import { showLibrary } from '#shared/notices/web/flow.tsx';
import { RecordService } from '#shared/records/service.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import { BENCH_TABLE } from './records.ts';
import type { BenchRow } from './types.ts';

const ROUNDS = Number(process.env.BENCH_NOTICES_ROUNDS ?? 30);
const PARTNERS = 100;
const LIBRARY_SIZE = 1000;
const RENDER_ROUNDS = 20;
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

export async function benchNotices(): Promise<BenchRow[]> {
  const dynamo = await startDynamoDb(await freePort());
  try {
    await ensureTables(dynamo.client, [BENCH_TABLE]);
    const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS });
    const units = { write: 0 };
    const counted = (jid: string) =>
      scopedTable(client, BENCH_TABLE.name, jid, {
        onConsumedCapacity: (operation, capacity) => {
          if (operation !== 'GetItem' && operation !== 'Query') units.write += capacity.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
        },
      });
    const issuer = 'bench-issuer';
    const table = counted(issuer);
    const actor = (jurisdictionId: string, role: string): Actor => ({ subject: `bench-${role}`, role, jurisdictionId, requestId: randomUUID() });
    const records = new RecordService({ cursorSecret: 'bench-cursor-secret-0123456789abcdefgh', formContext: () => ({ jurisdictions: [{ code: issuer, label: 'Bench' }] }) });
    const submitted = async (formId: 'safety_notice' | 'critical_incident_review') => {
      const answers = (formId === 'safety_notice' ? sampleSafetyNotice(issuer) : sampleCriticalIncidentReview(1)) as Answers;
      const { record } = await records.createDraft(table, actor(issuer, 'submitter'), { formId, answers });
      return (await records.submit(table, actor(issuer, 'submitter'), record.recordId, { expectedVersion: 1, submissionId: randomUUID() })).record;
    };
    const approve = async (record: { recordId: string; version: number }) => {
      units.write = 0;
      const started = performance.now();
      await records.transition(table, actor(issuer, 'reviewer'), record.recordId, { to: 'approved', expectedVersion: record.version });
      return { ms: performance.now() - started, wcu: units.write };
    };

    // Approvals, interleaved: a notice (publishes) and a review (does not).
    const notice: number[] = [];
    const review: number[] = [];
    const noticeWcu: number[] = [];
    const reviewWcu: number[] = [];
    let lastNotice: { recordId: string } | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      const [n, r] = [await submitted('safety_notice'), await submitted('critical_incident_review')];
      for (const what of i % 2 === 0 ? ['n', 'r'] : ['r', 'n']) {
        const out = await approve(what === 'n' ? n : r);
        (what === 'n' ? notice : review).push(out.ms);
        (what === 'n' ? noticeWcu : reviewWcu).push(out.wcu);
      }
      lastNotice = n;
    }

    // The last one is distributed to 100 partners of 2 contacts each, as notice-tasks does it from the stream.
    const published = new PublishedNotices(client, BENCH_TABLE.name);
    const theNotice = (await published.get(issuer, lastNotice!.recordId))!;
    const partners = Array.from({ length: PARTNERS }, (_, i) => `bench-partner-${String(i).padStart(3, '0')}`);
    const registryWithContacts = [issuer, ...partners].map((id) => ({
      id,
      name: `Agency ${id}`,
      active: true,
      contacts: [
        { role: 'review-lead' as const, name: 'Review Lead', email: `review-lead@${id}.example.org` },
        { role: 'jurisdiction-admin' as const, name: 'Admin', email: `admin@${id}.example.org` },
      ],
    }));
    let sends = 0;
    const distribution = {
      registry: async () => registryWithContacts,
      current: (issuerId: string, recordId: string) => published.get(issuerId, recordId),
      tableFor: (jid: string) => counted(jid),
      send: async (message: MailMessage) => ({ kind: message.kind, messageId: `bench-${++sends}` }),
      appOrigin: 'https://platform.example.org',
    };
    units.write = 0;
    const distributing = performance.now();
    const distributed = await distributeNotice(distribution, theNotice);
    const distributeMs = performance.now() - distributing;
    const distributeWcu = units.write;
    const sent = sends;
    units.write = 0;
    const again = performance.now();
    await distributeNotice(distribution, theNotice);
    const againMs = performance.now() - again;
    const againSends = sends - sent;
    if (distributed.outcome !== 'distributed') throw new Error('the bench notice was not distributed');

    units.write = 0;
    const answering = performance.now();
    for (const jid of partners) await answerNotice(counted(jid), actor(jid, 'jurisdiction_admin'), theNotice, { status: 'acknowledged' });
    const answerMs = performance.now() - answering;
    const answerWcu = units.write;
    const registry = [issuer, ...partners].map((id) => ({ id, name: `Agency ${id}`, state: 'KY' as const, active: true }));
    const statusMs: number[] = [];
    let statusCount = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const rows = statusRows(theNotice, await answersTo(client, BENCH_TABLE.name, issuer, theNotice.recordId), registry, '2026-12-04');
      statusMs.push(performance.now() - started);
      statusCount = rows.filter((r) => r.answer).length;
    }

    // The library: 1,000 published notices of 10 issuers, written as their approvals write them.
    const base = { formVersion: 2, answers: sampleSafetyNotice('x') as Answers };
    for (let i = 0; i < LIBRARY_SIZE; i++) {
      const jid = `bench-lib-${i % 10}`;
      const t = scopedTable(client, BENCH_TABLE.name, jid);
      const recordId = `01J${String(i).padStart(23, '0')}`.slice(0, 26);
      const pub = await publicationOf(t, { ...base, recordId, answers: { ...base.answers, title: `Bench notice ${i}: check sleep arrangements`, theme: i % 3 === 0 ? 'safe_sleep' : 'supervision' } } as never, new Date(Date.UTC(2026, 0, 1) + i * 3_600_000));
      await t.transactWrite(pub.items);
    }
    const listMs: number[] = [];
    let listed = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      listed = (await published.list()).length;
      listMs.push(performance.now() - started);
    }
    const all = await published.list();
    const input = { principal: { subject: 'bench', role: 'jurisdiction_admin', jurisdictionId: 'bench-partner-000', displayName: 'Bench' }, csrf: 'bench-csrf', table: BENCH_TABLE.name } as unknown as PageInput;
    const deps = {
      notices: { list: async () => all } as unknown as PublishedNotices,
      issuers: async () => new Map(Array.from({ length: 10 }, (_, i) => [`bench-lib-${i}`, { name: `Bench agency ${i}`, state: 'KY' }] as const)),
    } as unknown as Parameters<typeof showLibrary>[1];
    let html = 0;
    const renderMs: number[] = [];
    for (let i = 0; i < RENDER_ROUNDS; i++) {
      const started = performance.now();
      const out = await showLibrary(input, deps, {});
      renderMs.push(performance.now() - started);
      html = String(out.body).length;
    }

    const row = (name: string, value: number, unit: string): BenchRow => ({ group: 'notices', name, value, unit });
    return [
      row(`approve a notice (publishes it), median of ${ROUNDS}`, round(median(notice)), 'ms'),
      row(`approve a critical incident review (publishes nothing), median of ${ROUNDS}`, round(median(review)), 'ms'),
      row('approve a notice / approve a review (latency)', round(median(notice) / median(review)), 'ratio'),
      row('approve a notice: write units (publication included)', median(noticeWcu), 'WCU'),
      row('approve a review: write units', median(reviewWcu), 'WCU'),
      row(`distribute one notice to ${PARTNERS} partners x 2 contacts: total (links, markers, in-memory sends)`, round(distributeMs), 'ms'),
      row(`distribution: emails sent (${PARTNERS * 2} contacts)`, sent, 'emails'),
      row('distribution: write units (links and exactly-once markers)', round(distributeWcu), 'WCU'),
      row('distribution: write units per partner jurisdiction', round(distributeWcu / PARTNERS, 1), 'WCU'),
      row('the same stream record delivered again: total', round(againMs), 'ms'),
      row('the same stream record delivered again: emails sent', againSends, 'emails'),
      row(`${PARTNERS} partner jurisdictions acknowledge one notice: total`, round(answerMs), 'ms'),
      row(`${PARTNERS} acknowledgements: write units`, round(answerWcu), 'WCU'),
      row(`status table of ${PARTNERS} partners (gsi1 Query + rows), median of 5`, round(median(statusMs)), 'ms'),
      row('status table: answers found', statusCount, 'answers'),
      row(`library: list ${LIBRARY_SIZE} published notices (gsi1 Query, paged), median of 5`, round(median(listMs)), 'ms'),
      row('library: notices listed', listed, 'notices'),
      row(`library page with ${LIBRARY_SIZE} notices rendered to HTML, median of ${RENDER_ROUNDS}`, round(median(renderMs)), 'ms'),
      row('library page render rate', round(1000 / median(renderMs), 1), 'pages/s'),
      row('library page HTML', round(html / 1024, 1), 'KB'),
    ];
  } finally {
    await dynamo.stop();
  }
}
