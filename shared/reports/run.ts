/**
 * The reports workflow's three steps (docs/reports.md, "The pipeline"), called by functions/report-tasks:
 *   plan      which period (the schedule's cadence and the period before the start time, or the admin's choice) and
 *             which jurisdictions (the registry's active ones at run time);
 *   aggregate one jurisdiction's records, streamed, into a partial in S3 (the Map runs one per jurisdiction);
 *   publish   every partial (all must be there, or the run fails), the ledger of earlier releases, protection and its
 *             audit (a primary left too narrow fails the run), every file, the ledger entry, then the switch, then
 *             one email per recipient and period.
 * Every write is keyed by run, so a retried step overwrites its own files; only the switch makes a run visible.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { PeopleDirectory, type Person } from '#shared/auth/people.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import { PublishedNotices } from '#shared/notices/published.ts';
import type { SentMail } from '#shared/mail/mailer.ts';
import type { MailMessage, RenderedMail } from '#shared/mail/message.ts';
import { partnershipMarkers, sendOnce, type MarkerTable } from '#shared/mail/once.ts';
import { REVIEW_TIMELINESS_STANDARD_DAYS } from '#shared/policy.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { SurveyResults } from '#shared/survey/results/store.ts';
import type { FrozenWaveResults } from '#shared/survey/results/types.ts';
import { aggregateJurisdiction } from './aggregate.ts';
import { assembleDocuments, buildProtectionInput, themeNoticesOf } from './assemble.ts';
import { CADENCES, type Cadence, type JurisdictionPartial, type ReleaseDocument, type ReportPeriod, type ThemeNotices } from './model.ts';
import { releaseFiles, type ManifestRules } from './outputs.ts';
import { parsePeriod, periodCovering } from './periods.ts';
import { protect } from './protection/index.ts';
import type { LedgerCell, ProtectionTable } from './protection/types.ts';
import { reportProtectionFromEnv } from './settings.ts';
import { getObject, listKeys, putObject, putObjects } from '#shared/aws/s3.ts';
import { audienceFolder, ReportReleases, runPrefix, type Audience, type PublishedRelease } from './store.ts';

export interface ReportRunDeps {
  client: DynamoDBDocumentClient;
  tableName: string;
  bucket: string;
  appOrigin: string;
  send: (message: MailMessage) => Promise<SentMail>;
  /** Renders a document's HTML fragment (charts included): loaded only by the publish step. */
  render: (doc: ReleaseDocument) => Promise<string>;
  /** Composes the digest email of a published report (its link signs in and returns to the report). */
  compose: (input: { document: ReleaseDocument; appOrigin: string }) => RenderedMail;
  now?: () => Date;
}

/** What every step after Plan receives. */
export interface RunPlan {
  runId: string;
  startedAt: string;
  cadence: Cadence;
  periodId: string;
  jurisdictions: string[];
}

const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;
export const planInputSchema = z.lazy(() =>
  z.object({
    input: z.object({ cadence: z.enum(CADENCES), periodId: z.optional(z.string()) }),
    requestedAt: z.iso.datetime({ offset: true }),
    runId: z.string().check(z.regex(RUN_ID)),
  }),
);
const runPlanSchema = z.lazy(() =>
  z.object({ runId: z.string().check(z.regex(RUN_ID)), startedAt: z.string(), cadence: z.enum(CADENCES), periodId: z.string(), jurisdictions: z.array(z.string()) }),
);
export const aggregateInputSchema = z.lazy(() => z.object({ plan: runPlanSchema, jurisdictionId: z.string() }));
export const publishInputSchema = z.lazy(() => z.object({ plan: runPlanSchema }));

export const partialKey = (runId: string, jurisdictionId: string) => `reports/partials/${runId}/${jurisdictionId}.json`;
export const ledgerPrefix = (year: number) => `reports/ledger/${year}/`;

export class ReportRun {
  private readonly registry: JurisdictionStore;
  private readonly releases: ReportReleases;

  constructor(private readonly deps: ReportRunDeps) {
    this.registry = new JurisdictionStore(deps.tableName, deps.client);
    this.releases = new ReportReleases(deps.client, deps.tableName, deps.bucket);
  }

  async plan(raw: unknown): Promise<{ run: RunPlan; jurisdictions: string[] }> {
    const input = z.parse(planInputSchema, raw);
    const period = input.input.periodId ? parsePeriod(input.input.cadence, input.input.periodId) : periodCovering(input.input.cadence, new Date(input.requestedAt));
    if (period.end > input.requestedAt.slice(0, 10)) throw new Error(`The period ${period.label} has not ended yet: a report covers a complete period`);
    const jurisdictions = (await this.registry.list()).filter((j) => j.active).map((j) => j.id).sort();
    const run: RunPlan = { runId: input.runId, startedAt: input.requestedAt, cadence: period.cadence, periodId: period.id, jurisdictions };
    logger.info('report run planned', { cadence: run.cadence, periodId: run.periodId, jurisdictions: jurisdictions.length });
    return { run, jurisdictions };
  }

  async aggregate(raw: unknown): Promise<{ jurisdictionId: string; recordsCounted: number }> {
    const { plan, jurisdictionId } = z.parse(aggregateInputSchema, raw);
    if (!plan.jurisdictions.includes(jurisdictionId)) throw new Error('The jurisdiction is not part of this run');
    const period = parsePeriod(plan.cadence, plan.periodId);
    const jurisdiction = await this.registry.get(jurisdictionId);
    if (!jurisdiction) throw new Error('The jurisdiction is no longer in the registry');
    const partial = await aggregateJurisdiction(scopedTable(this.deps.client, this.deps.tableName, jurisdictionId), jurisdiction, period);
    await putObject(this.deps.bucket, partialKey(plan.runId, jurisdictionId), JSON.stringify(partial), 'application/json');
    return { jurisdictionId, recordsCounted: partial.recordsCounted };
  }

  async publish(raw: unknown): Promise<{ published: boolean; revision?: number; emails: number }> {
    const { plan } = z.parse(publishInputSchema, raw);
    const period = parsePeriod(plan.cadence, plan.periodId);
    const now = (this.deps.now ?? (() => new Date()))();
    const partials = await Promise.all(
      plan.jurisdictions.map(async (id) => {
        const body = await getObject(this.deps.bucket, partialKey(plan.runId, id));
        // Never a partial report: a jurisdiction without its aggregate fails the run.
        if (!body) throw new Error(`The aggregate of a jurisdiction of this run is missing (${id}); nothing is published`);
        return JSON.parse(Buffer.from(body).toString('utf8')) as JurisdictionPartial;
      }),
    );
    const settings = reportProtectionFromEnv();
    const ledger = await this.readLedger(period.year, plan.runId);
    const input = buildProtectionInput(partials, period, settings);
    const result = protect(input.tables, input.atoms, ledger);
    // Held back whole: the tables the engine names for the primaries it could not keep wide (docs/reports.md).
    const withheld = new Set(result.withheld);
    const published = input.tables.filter((t) => !withheld.has(t.id));
    const narrowest = checkAudit(published, result.audit);

    const [culture, themeNotices] = await Promise.all([this.culture(plan.jurisdictions), this.themeNotices(period)]);
    const documents = assembleDocuments({ partials, period, settings, protection: result, culture, runId: plan.runId, generatedAt: now.toISOString(), withheld, themeNotices });
    const formVersions = mergeFormVersions(partials);
    const prefix = runPrefix(plan.cadence, plan.periodId, plan.runId);
    const protectedRules: ManifestRules = {
      protection: Object.fromEntries(input.tables.map((t) => [t.id, { threshold: t.threshold, minIntervalWidth: t.minIntervalWidth }])),
      audit: {
        primaries: result.stats.primary,
        secondaries: result.stats.secondary,
        linearPrograms: result.stats.linearPrograms,
        narrowestInterval: narrowest,
        ledgerReleases: new Set(ledger.map((c) => c.releaseId)).size,
        revisedCells: result.revised.length,
        withheldTables: [...withheld].sort(),
      },
      timelinessStandardDays: REVIEW_TIMELINESS_STANDARD_DAYS,
    };
    const write = async (doc: ReleaseDocument, audience: Audience, rules: ManifestRules) => {
      const html = await this.deps.render(doc);
      const { files, manifest } = releaseFiles(doc, html, formVersions, rules);
      const folder = `${prefix}${audienceFolder(audience)}`;
      await putObjects(this.deps.bucket, files.map((f) => ({ key: `${folder}${f.name}`, body: f.body, contentType: f.contentType })));
      return manifest;
    };
    const manifest = await write(documents.partnership, 'partnership', protectedRules);
    for (const doc of documents.jurisdictions) {
      if (doc.audience.kind !== 'jurisdiction') continue;
      await write(doc, { jurisdictionId: doc.audience.jurisdictionId }, { protection: 'none', timelinessStandardDays: REVIEW_TIMELINESS_STANDARD_DAYS });
    }
    // The ledger before the switch: whatever is ever visible is already a constraint on every later release.
    await putObject(this.deps.bucket, `${ledgerPrefix(period.year)}${plan.cadence}-${plan.periodId}-${plan.runId}.json`, JSON.stringify(ledgerOf(`${plan.cadence}-${plan.periodId}-${plan.runId}`, published, result)), 'application/json');

    const release = await this.releases.switchTo(
      {
        cadence: plan.cadence,
        periodId: plan.periodId,
        period,
        runId: plan.runId,
        publishedAt: now.toISOString(),
        prefix,
        jurisdictions: documents.jurisdictions.flatMap((d) => (d.audience.kind === 'jurisdiction' ? [d.audience.jurisdictionId] : [])),
        files: manifest.files,
        headline: documents.partnership.headline,
      },
      plan.startedAt,
    );
    if (!release) {
      logger.info('a later run already published this period; this one stays unpublished', { cadence: plan.cadence, periodId: plan.periodId });
      return { published: false, emails: 0 };
    }
    const emails = await this.notify(release, documents.partnership, documents.jurisdictions);
    logger.info('report published', { cadence: plan.cadence, periodId: plan.periodId, revision: release.revision, emails });
    return { published: true, revision: release.revision, emails };
  }

  /** One digest per recipient and period: partnership leads, and each jurisdiction's admins for their own report. */
  private async notify(release: PublishedRelease, partnership: ReleaseDocument, own: ReleaseDocument[]): Promise<number> {
    const people = new PeopleDirectory(this.deps.client, this.deps.tableName);
    const occasion = { report: { cadence: release.cadence, periodId: release.periodId } };
    let sent = 0;
    const deliver = async (table: MarkerTable, recipients: Person[], document: ReleaseDocument) => {
      const rendered = this.deps.compose({ document, appOrigin: this.deps.appOrigin });
      for (const person of recipients) {
        const out = await sendOnce({ table, occasion, message: { kind: 'report_published', to: person.email, ...rendered }, send: this.deps.send });
        if (out.status === 'sent') sent += 1;
      }
    };
    await deliver(partnershipMarkers(this.deps.client, this.deps.tableName), await people.partnershipLeads(), partnership);
    for (const doc of own) {
      if (doc.audience.kind !== 'jurisdiction') continue;
      const id = doc.audience.jurisdictionId;
      await deliver(scopedTable(this.deps.client, this.deps.tableName, id), await people.withRole(id, 'jurisdiction_admin'), doc);
    }
    return sent;
  }

  private async culture(jurisdictions: readonly string[]): Promise<Map<string, FrozenWaveResults[]>> {
    const results = await Promise.all(jurisdictions.map((id) => new SurveyResults(scopedTable(this.deps.client, this.deps.tableName, id)).listClosed()));
    return new Map(jurisdictions.map((id, i) => [id, results[i]!]));
  }

  /**
   * The safety notices beside their themes, read once per run through the one cross-jurisdiction reader of published
   * notices; issuers are named from the registry (one that has left it keeps its id).
   */
  private async themeNotices(period: ReportPeriod): Promise<ThemeNotices[]> {
    const [notices, registry] = await Promise.all([new PublishedNotices(this.deps.client, this.deps.tableName).list(), this.registry.list()]);
    return themeNoticesOf(notices, period, new Map(registry.map((j) => [j.id, j.name])));
  }

  /** Every earlier release of the year, superseded runs included (they were visible once), but not this run's own. */
  private async readLedger(year: number, runId: string): Promise<LedgerCell[]> {
    const keys = (await listKeys(this.deps.bucket, ledgerPrefix(year))).filter((k) => !k.endsWith(`-${runId}.json`));
    const bodies = await Promise.all(keys.map((key) => getObject(this.deps.bucket, key)));
    return bodies.flatMap((body) => (body ? (JSON.parse(Buffer.from(body).toString('utf8')) as { cells: LedgerCell[] }).cells : []));
  }
}

/** The ledger entry of a release: every published cell, its atoms, its status and its value (internal: never published). */
export function ledgerOf(releaseId: string, tables: readonly ProtectionTable[], result: { status: ReadonlyMap<string, string>; values: ReadonlyMap<string, number> }): { releaseId: string; cells: LedgerCell[] } {
  const cells: LedgerCell[] = [];
  for (const t of tables) {
    for (const cell of [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal]) {
      cells.push({ id: cell.id, releaseId, atoms: cell.atoms, status: result.status.get(cell.id) as LedgerCell['status'], value: result.values.get(cell.id) ?? 0, threshold: t.threshold });
    }
  }
  return { releaseId, cells };
}

/**
 * The run's own check of the engine's audit: every suppressed primary keeps an interval at least its table's width.
 * Returns the narrowest width (null when nothing was suppressed); throws rather than publish a weaker release.
 */
export function checkAudit(tables: readonly ProtectionTable[], audit: readonly { cellId: string; low: number; high: number }[]): number | null {
  const widthOf = new Map<string, number>();
  for (const t of tables) for (const cell of [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal]) widthOf.set(cell.id, t.minIntervalWidth);
  let narrowest: number | null = null;
  for (const a of audit) {
    const required = widthOf.get(a.cellId);
    // Cells of withheld tables and of earlier releases (`<release>/<id>`) are not published by this run.
    if (required === undefined) continue;
    const width = a.high - a.low;
    if (width < required) throw new Error(`Small-cell audit failed: a suppressed count could be narrowed to ${width + 1} possible values (it must keep at least ${required + 1}); nothing is published`);
    narrowest = narrowest === null ? width : Math.min(narrowest, width);
  }
  return narrowest;
}

function mergeFormVersions(partials: readonly JurisdictionPartial[]): Record<string, number[]> {
  const out: Record<string, Set<number>> = {};
  for (const p of partials) for (const [form, versions] of Object.entries(p.formVersions)) for (const v of versions) (out[form] ??= new Set()).add(v);
  return Object.fromEntries(Object.entries(out).map(([f, s]) => [f, [...s].sort((a, b) => a - b)]));
}
