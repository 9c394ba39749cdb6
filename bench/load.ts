/**
 * Load (issue 16, item 6): a local cloud of its own under `BENCH_LOAD_USERS` (50) signed-in submitters, each its own
 * session, spread over the demo jurisdictions that have a submitter, plus `BENCH_LOAD_RESPONDENTS` (10) anonymous
 * respondents of an open survey wave, all at once for `BENCH_LOAD_SECONDS` (120). A submitter goes round: create a
 * critical incident review, save it section by section as the page's autosave does (the whole draft, its version), read
 * its review page, submit; a respondent posts the start form, then its answers. autocannon drives them: one instance
 * per session (its cookie in the instance's initial context), one for the respondents, each chaining its requests
 * through the context, one request at a time per connection.
 *
 * Then the table is read back and reconciled with what the clients were told (bench/load-ledger.ts): every
 * acknowledged write must be there exactly once (records, each acknowledged save and submit as the record's version,
 * one submission receipt per submit, one audit event per write, one survey response per acknowledged answer), and
 * nothing else but the writes of requests sent without an acknowledgement, which may have landed. Latency is timed per route from the request's build (just before autocannon
 * writes it) to its parsed response. The load generator and the local cloud share this process and the machine's
 * cores: figures are what a developer box serves, not what AWS would.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import type { Actor } from '#shared/audit/model.ts';
import { getForm, latestVersion } from '#shared/forms/registry.ts';
import { sampleCriticalIncidentReview, sampleSurveyResponse } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { keys, partitions } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { SURVEY_FORM_ID } from '#shared/survey/model.ts';
import { SurveyWaves } from '#shared/survey/store.ts';
import { startTestCloud } from '../test/support/local-cloud.ts';
import { signIn } from '../test/support/sign-in.ts';
import { reconcile, type AcknowledgedRecord, type TableState } from './load-ledger.ts';
import type { BenchRow } from './types.ts';

/** The load's settings (BENCH_LOAD_SECONDS: shorter runs while working on it). */
export const LOAD = {
  seconds: Number(process.env.BENCH_LOAD_SECONDS ?? 120),
  users: Number(process.env.BENCH_LOAD_USERS ?? 50),
  respondents: Number(process.env.BENCH_LOAD_RESPONDENTS ?? 10),
};
const { seconds: SECONDS, users: USERS, respondents: RESPONDENTS } = LOAD;
/** autocannon's own default: a request unanswered for this long is a timeout, which counts as an error. */
const REQUEST_TIMEOUT_S = 10;
/**
 * Time for requests in flight when the clock stopped to finish their writes before the table is read: the functions'
 * own timeout (10 s, infra/constructs/platform-function.ts) and a second.
 */
const SETTLE_MS = 11_000;
const FORM_ID = 'critical_incident_review';
const SURVEY_JURISDICTION = 'ky-dcbs';
/** The audit actions of the writes the load makes (the author's own reads are not audited: docs/records.md). */
const WRITE_ACTIONS = new Set(['record.created', 'record.saved', 'record.submitted']);

const ROUTES = {
  create: 'create a record (POST /api/jurisdictions/{id}/records)',
  save: 'save a section (PUT .../records/{id}/answers)',
  page: 'page read (GET /records/{id}/review, HTML)',
  submit: 'submit (POST .../records/{id}/submit)',
  surveyStart: 'survey start (POST /survey/{id}/start, HTML)',
  surveyAnswer: 'survey answer (POST /survey/{id}/answers)',
} as const;
type Route = keyof typeof ROUTES;

interface Session {
  connection: number;
  cookie: string;
  jurisdictionId: string;
}

/** What one submitter's connection carries through a round; autocannon resets it to the session at each new round. */
interface SubmitterContext {
  session: Session;
  reviewId?: string;
  recordId?: string;
  version?: number;
  saved?: number;
  submissionId?: string;
  broken?: boolean;
  sentAt?: number;
}

/** A respondent's round (autocannon starts each round from an empty context): start, then answer. */
interface RespondentContext {
  round?: number;
  submissionId?: string;
  sentAt?: number;
}

const percentile = (sorted: readonly number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : Number.NaN);
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

/** The sample review's answers by section, in form order: each save adds one section, as a person filling it in. */
function sectionAnswers(): Answers[] {
  const sample = sampleCriticalIncidentReview(2) as Answers;
  const form = getForm(FORM_ID, latestVersion(FORM_ID));
  return form.sections
    .map((section) => Object.fromEntries(section.fields.filter((f) => f.name in sample).map((f) => [f.name, sample[f.name]])) as Answers)
    .filter((answers) => Object.keys(answers).length > 0);
}

async function queryAll(client: DynamoDBDocumentClient, tableName: string, pk: string, skPrefix?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(skPrefix ? { ':sk': skPrefix } : {}) },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Latency, statuses and errors per route, and what each connection has sent and not yet seen answered. */
class Recorder {
  readonly latencies = new Map<Route, number[]>();
  readonly statuses = new Map<Route, Map<number, number>>();
  readonly failures: string[] = [];
  /** The route of the request each connection (`s<n>` a submitter, `r<n>` a respondent's round) awaits an answer to. */
  readonly inFlight = new Map<string, Route>();
  /** Notes a request about to be written; returns its start time. */
  sent(connection: string, route: Route): number {
    this.inFlight.set(connection, route);
    return performance.now();
  }

  answered(connection: string, route: Route, status: number, sentAt: number | undefined, ok: boolean, body: string): void {
    this.inFlight.delete(connection);
    if (sentAt !== undefined) {
      const list = this.latencies.get(route) ?? [];
      list.push(performance.now() - sentAt);
      this.latencies.set(route, list);
    }
    const counts = this.statuses.get(route) ?? new Map<number, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    this.statuses.set(route, counts);
    // The bench's own synthetic answers only; kept short.
    if (!ok && this.failures.length < 10) this.failures.push(`${route} ${status}: ${body.replace(/\s+/g, ' ').slice(0, 160)}`);
  }

  errorResponses(): number {
    let n = 0;
    for (const counts of this.statuses.values()) for (const [status, count] of counts) if (status < 200 || status >= 400) n += count;
    return n;
  }
}

export async function benchLoad(): Promise<BenchRow[]> {
  const { cloud, close } = await startTestCloud();
  try {
    const run = Date.now().toString(36);
    const submitters = cloud.demoUsers.filter((u) => u.role === 'submitter' && u.jurisdictionId);
    if (new Set(submitters.map((u) => u.jurisdictionId)).size < 2) throw new Error('The load needs submitters of at least 2 jurisdictions in seed/users.json');

    // Sessions: USERS sign-ins through the local OpenID provider, a few at a time, round the jurisdictions.
    const sessions: Session[] = [];
    for (let first = 0; first < USERS; first += 5) {
      const batch = Array.from({ length: Math.min(5, USERS - first) }, (_, k) => first + k);
      sessions.push(
        ...(await Promise.all(
          batch.map(async (connection) => {
            const user = submitters[connection % submitters.length]!;
            const browser = await signIn(user.sub, cloud.url);
            const jar = browser.jar.get(new URL(cloud.url).origin) ?? new Map<string, string>();
            return { connection, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), jurisdictionId: user.jurisdictionId! };
          }),
        )),
      );
    }
    if (new Set(sessions.map((s) => s.cookie)).size !== USERS) throw new Error('Two sign-ins shared a session cookie');

    // An open survey wave of its own (empty at the start) and the "no session" form token of its start page.
    const registry = new JurisdictionStore(cloud.tableName, cloud.storage);
    const units = (await registry.get(SURVEY_JURISDICTION))?.units.map((u) => u.code) ?? [];
    if (units.length === 0) throw new Error(`${SURVEY_JURISDICTION} has no units to answer the survey for`);
    const seedActor: Actor = { subject: 'bench-load', role: 'system', jurisdictionId: SURVEY_JURISDICTION, requestId: 'bench-load' };
    const wave = await new SurveyWaves(scopedTable(cloud.storage, cloud.tableName, SURVEY_JURISDICTION)).open(
      seedActor,
      { title: `Load ${run}`, closesOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10), mode: 'open_link' },
      latestVersion(SURVEY_FORM_ID),
    );
    const surveyPath = `/survey/${SURVEY_JURISDICTION}`;
    const surveyCsrf = hidden(await (await fetch(`${cloud.url}${surveyPath}`, { headers: { accept: 'text/html' } })).text(), '_csrf');
    if (!surveyCsrf) throw new Error('The survey start page has no form token');
    const surveyBodies = Array.from({ length: 20 }, (_, i) =>
      new URLSearchParams(Object.entries(sampleSurveyResponse(units[i % units.length]!, i)).map(([k, v]) => [k, String(v)])).toString(),
    );

    // One request to each function before the clock starts: a function's first request starts its execution
    // environment (bundle import, SDK clients), and the figures are about load, not that one cold start. The warm-up
    // record's review id is not the load's, so the checks below leave it out.
    const warm = sessions[0]!;
    const warmRecord = await fetch(`${cloud.url}/api/jurisdictions/${warm.jurisdictionId}/records`, {
      method: 'POST',
      headers: { cookie: warm.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ formId: FORM_ID, answers: { review_id: `WARM-${run}` } }),
    });
    if (warmRecord.status !== 201) throw new Error(`The warm-up create answered ${warmRecord.status}`);
    const { recordId: warmId } = (await warmRecord.json()) as { recordId: string };
    for (const [path, init] of [
      [`/records/${warmId}/review`, { headers: { cookie: warm.cookie, accept: 'text/html' } }],
      [`${surveyPath}/start`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: surveyCsrf, token: wave.linkToken }) }],
    ] as const) {
      const res = await fetch(`${cloud.url}${path}`, init);
      if (res.status !== 200) throw new Error(`The warm-up of ${path.split('/')[1]} answered ${res.status}`);
    }

    const recorder = new Recorder();
    const records = new Map<string, AcknowledgedRecord>();
    /** Review ids of the creates sent (unique per create): a record no create sent would be a phantom. */
    const createsSent = new Set<string>();
    const surveySent = new Set<string>();
    const surveyAcked = new Set<string>();
    const sections = sectionAnswers();
    let creates = 0;
    let respondentRounds = 0;

    /** A request of the round, on autocannon's defaults (host, port) for this instance. */
    const request = (req: autocannon.Request, method: 'GET' | 'POST' | 'PUT', path: string, headers: Record<string, string>, body?: string): autocannon.Request => ({
      ...req,
      method,
      path,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const json = (req: autocannon.Request, c: SubmitterContext, method: 'POST' | 'PUT', path: string, body: unknown) =>
      request(req, method, path, { cookie: c.session.cookie, 'content-type': 'application/json', accept: 'application/json' }, JSON.stringify(body));
    /** setupRequest's "no request": autocannon then starts the round again from its first request. */
    const NEW_ROUND = undefined as unknown as autocannon.Request;
    const recordsPath = (c: SubmitterContext) => `/api/jurisdictions/${c.session.jurisdictionId}/records`;
    const connectionOf = (c: SubmitterContext) => `s${c.session.connection}`;

    /** The answer to a submitter's request; a round whose step failed goes on no further. */
    const answered = (route: Route, expected: number, status: number, body: string, context: object): { c: SubmitterContext; ok: boolean } => {
      const c = context as SubmitterContext;
      const ok = status === expected;
      recorder.answered(connectionOf(c), route, status, c.sentAt, ok, body);
      if (!ok) c.broken = true;
      return { c, ok };
    };
    /** A write of the round's record about to be sent: unacknowledged on its record until a 2xx says otherwise. */
    const writing = (c: SubmitterContext, route: Route) => {
      records.get(c.recordId!)!.unacknowledged = true;
      c.sentAt = recorder.sent(connectionOf(c), route);
    };
    /** An acknowledged write of the round's record: its version as the platform answered it. */
    const acknowledged = (c: SubmitterContext, body: string) => {
      c.version = (JSON.parse(body) as { version: number }).version;
      const ledger = records.get(c.recordId!)!;
      ledger.ackedVersion = c.version;
      ledger.unacknowledged = false;
    };
    const answersUpTo = (c: SubmitterContext, n: number): Answers => Object.assign({}, ...sections.slice(0, n), { review_id: c.reviewId });

    const submitterRequests: autocannon.Request[] = [
      {
        setupRequest: (req, context) => {
          const c = context as SubmitterContext;
          c.reviewId = `LOAD-${run}-${c.session.connection}-${++creates}`;
          createsSent.add(c.reviewId);
          c.sentAt = recorder.sent(connectionOf(c), 'create');
          return json(req, c, 'POST', recordsPath(c), { formId: FORM_ID, answers: { review_id: c.reviewId } });
        },
        onResponse: (status, body, context) => {
          const { c, ok } = answered('create', 201, status, body, context);
          if (!ok) return;
          const record = JSON.parse(body) as { recordId: string; version: number };
          c.recordId = record.recordId;
          c.version = record.version;
          records.set(record.recordId, { reviewId: c.reviewId!, ackedVersion: record.version, unacknowledged: false, submitAcked: false });
        },
      },
      ...sections.map(
        (_, index): autocannon.Request => ({
          setupRequest: (req, context) => {
            const c = context as SubmitterContext;
            if (c.broken || !c.recordId) return NEW_ROUND;
            writing(c, 'save');
            return json(req, c, 'PUT', `${recordsPath(c)}/${c.recordId}/answers`, { answers: answersUpTo(c, index + 1), expectedVersion: c.version });
          },
          onResponse: (status, body, context) => {
            const { c, ok } = answered('save', 200, status, body, context);
            if (ok) acknowledged(c, body);
          },
        }),
      ),
      {
        setupRequest: (req, context) => {
          const c = context as SubmitterContext;
          if (c.broken || !c.recordId) return NEW_ROUND;
          c.sentAt = recorder.sent(connectionOf(c), 'page');
          return request(req, 'GET', `/records/${c.recordId}/review`, { cookie: c.session.cookie, accept: 'text/html' });
        },
        onResponse: (status, body, context) => {
          answered('page', 200, status, body, context);
        },
      },
      {
        setupRequest: (req, context) => {
          const c = context as SubmitterContext;
          if (c.broken || !c.recordId) return NEW_ROUND;
          c.submissionId = randomUUID();
          records.get(c.recordId)!.submissionId = c.submissionId;
          writing(c, 'submit');
          return json(req, c, 'POST', `${recordsPath(c)}/${c.recordId}/submit`, { expectedVersion: c.version, submissionId: c.submissionId });
        },
        onResponse: (status, body, context) => {
          const { c, ok } = answered('submit', 200, status, body, context);
          if (!ok) return;
          acknowledged(c, body);
          records.get(c.recordId!)!.submitAcked = true;
        },
      },
    ];

    const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
    const respondentRequests: autocannon.Request[] = [
      {
        setupRequest: (req, context) => {
          const c = context as RespondentContext;
          c.round = ++respondentRounds;
          c.sentAt = recorder.sent(`r${c.round}`, 'surveyStart');
          return request(req, 'POST', `${surveyPath}/start`, form, new URLSearchParams({ _csrf: surveyCsrf, token: wave.linkToken }).toString());
        },
        onResponse: (status, body, context) => {
          const c = context as RespondentContext;
          const ok = status === 200;
          recorder.answered(`r${c.round}`, 'surveyStart', status, c.sentAt, ok, body);
          c.submissionId = ok ? hidden(body, 'submissionId') : undefined;
        },
      },
      {
        setupRequest: (req, context) => {
          const c = context as RespondentContext;
          if (!c.submissionId) return NEW_ROUND;
          surveySent.add(c.submissionId);
          c.sentAt = recorder.sent(`r${c.round}`, 'surveyAnswer');
          const fields = new URLSearchParams({ _csrf: surveyCsrf, submissionId: c.submissionId, token: wave.linkToken }).toString();
          return request(req, 'POST', `${surveyPath}/answers`, form, `${fields}&${surveyBodies[c.round! % surveyBodies.length]!}`);
        },
        onResponse: (status, body, context) => {
          const c = context as RespondentContext;
          const ok = status === 303;
          recorder.answered(`r${c.round}`, 'surveyAnswer', status, c.sentAt, ok, body);
          if (ok) surveyAcked.add(c.submissionId!);
        },
      },
    ];

    const common = { url: cloud.url, duration: SECONDS, timeout: REQUEST_TIMEOUT_S, pipelining: 1 };
    const jurisdictions = [...new Set(sessions.map((s) => s.jurisdictionId))];
    console.log(`  ${USERS} sessions (${jurisdictions.join(', ')}), ${RESPONDENTS} survey respondents, ${SECONDS} s`);
    // Where the write routes' time goes: a bare PutItem to DynamoDB Local twice a second while the load runs.
    const probeMs: number[] = [];
    let probes = 0;
    const probe = setInterval(() => {
      const sentAt = performance.now();
      void cloud.storage
        .send(new PutCommand({ TableName: cloud.tableName, Item: { pk: `BENCH#LOAD-PROBE#${run}`, sk: String(++probes) } }))
        .then(() => probeMs.push(performance.now() - sentAt));
    }, 500);
    const started = performance.now();
    const results = await Promise.all([
      ...sessions.map((session) => autocannon({ ...common, connections: 1, initialContext: { session }, requests: submitterRequests })),
      autocannon({ ...common, connections: RESPONDENTS, requests: respondentRequests }),
    ]);
    const elapsedS = (performance.now() - started) / 1000;
    clearInterval(probe);
    const socketErrors = results.reduce((n, r) => n + r.errors, 0);

    // Requests in flight when the clock stopped may still write: give them time, then read the table back.
    await new Promise((r) => setTimeout(r, SETTLE_MS));

    // The load's records (by review id), the audit events of their writes, their receipts, the wave's responses.
    const loadRecords: TableState['records'][number][] = [];
    const partitionOf = new Map<string, string>();
    for (const jurisdictionId of jurisdictions) {
      for (const item of await queryAll(cloud.storage, cloud.tableName, keys.owned(jurisdictionId, partitions.records))) {
        const reviewId = (item.answers as Answers | undefined)?.review_id;
        if (typeof reviewId !== 'string' || !reviewId.startsWith(`LOAD-${run}-`)) continue;
        partitionOf.set(String(item.recordId), jurisdictionId);
        loadRecords.push({ recordId: String(item.recordId), reviewId, version: Number(item.version), status: String(item.status), ...(item.submissionId ? { submissionId: String(item.submissionId) } : {}) });
      }
    }
    const auditEvents = new Map<string, number>();
    for (const jurisdictionId of jurisdictions) {
      for (const event of await queryAll(cloud.storage, cloud.tableName, keys.owned(jurisdictionId, partitions.audit))) {
        if (typeof event.recordId === 'string' && WRITE_ACTIONS.has(String(event.action))) auditEvents.set(event.recordId, (auditEvents.get(event.recordId) ?? 0) + 1);
      }
    }
    const receipts = new Map<string, string[]>();
    for (const r of loadRecords) {
      const items = await queryAll(cloud.storage, cloud.tableName, keys.owned(partitionOf.get(r.recordId)!, partitions.record(r.recordId)), 'SUBMISSION#');
      receipts.set(r.recordId, items.map((i) => String(i.sk).slice('SUBMISSION#'.length)));
    }
    const responses = await queryAll(cloud.storage, cloud.tableName, keys.owned(SURVEY_JURISDICTION, partitions.surveyResponses(wave.waveId)), 'RESPONSE#');
    const check = reconcile(
      {
        records,
        createsSent,
        surveySent,
        surveyAcked,
      },
      { records: loadRecords, auditEvents, receipts, surveyResponses: responses.map((r) => String(r.sk).slice('RESPONSE#'.length)) },
    );

    // Figures.
    const rows: BenchRow[] = [];
    const row = (name: string, value: number, unit: string, target?: number): BenchRow =>
      target === undefined ? { group: 'load', name, value, unit } : { group: 'load', name, value, unit, target: `= ${target}`, pass: value === target };
    const totalResponses = [...recorder.statuses.values()].reduce((n, counts) => n + [...counts.values()].reduce((a, b) => a + b, 0), 0);
    rows.push(row(`signed-in sessions (${jurisdictions.length} jurisdictions) + survey respondents, for ${SECONDS} s`, USERS + RESPONDENTS, 'connections'));
    for (const route of Object.keys(ROUTES) as Route[]) {
      const sorted = [...(recorder.latencies.get(route) ?? [])].sort((a, b) => a - b);
      rows.push(row(`${ROUTES[route]}: responses`, sorted.length, 'requests'));
      rows.push(row(`${ROUTES[route]}: p50`, round(percentile(sorted, 50)), 'ms'));
      rows.push(row(`${ROUTES[route]}: p99`, round(percentile(sorted, 99)), 'ms'));
      console.log(`  ${ROUTES[route]}: ${sorted.length} answered, p50 ${round(percentile(sorted, 50))} ms, p99 ${round(percentile(sorted, 99))} ms, statuses ${JSON.stringify(Object.fromEntries(recorder.statuses.get(route) ?? []))}`);
    }
    const probeSorted = [...probeMs].sort((a, b) => a - b);
    rows.push(row('a bare PutItem to DynamoDB Local during the load (twice a second, from this process): p50', round(percentile(probeSorted, 50)), 'ms'));
    rows.push(row('a bare PutItem to DynamoDB Local during the load: p99', round(percentile(probeSorted, 99)), 'ms'));
    rows.push(row('throughput, all routes', round(totalResponses / elapsedS), 'requests/s'));
    rows.push(row('submissions acknowledged per minute', round(check.submissions.acked / (elapsedS / 60)), 'submits/min'));
    rows.push(row('survey answers acknowledged per minute', round(check.survey.acked / (elapsedS / 60)), 'answers/min'));
    rows.push(row('errors: responses other than 2xx/3xx', recorder.errorResponses(), 'responses', 0));
    rows.push(row('errors: socket errors and timeouts', socketErrors, 'errors', 0));
    rows.push(row('rounds cut short by a failed step (info: the failure is counted above)', results.reduce((n, r) => n + r.resets, 0), 'rounds'));
    for (const [what, c, expected] of [
      ['records created', check.records, 'acknowledged (201)'],
      ['record writes (create, saves, submit) as versions', check.versions, 'acknowledged (2xx)'],
      ['submissions (status and receipt)', check.submissions, 'acknowledged (200)'],
      ['audit events of those writes', check.audit, 'expected (one per write in the table)'],
      ['survey responses', check.survey, 'acknowledged (303)'],
    ] as const) {
      rows.push(row(`${what}: ${expected}`, c.acked, 'writes'));
      rows.push(row(`${what}: in the table`, c.stored, 'writes'));
      rows.push(row(`${what}: lost or missing`, c.lost, 'writes', 0));
      rows.push(row(`${what}: duplicated`, c.extra, 'writes', 0));
      rows.push(row(`${what}: landed unacknowledged (request unanswered or failed)`, c.unacknowledged, 'writes'));
    }
    rows.push(row('requests unanswered when the clock stopped (in flight; their writes may have landed)', recorder.inFlight.size, 'requests'));
    if (recorder.failures.length) console.log(`  first failures:\n    ${recorder.failures.join('\n    ')}`);
    return rows;
  } finally {
    await close();
  }
}
