/**
 * The warehouse workflow's three steps (docs/warehouse.md, "The pipeline"), called by functions/warehouse-tasks:
 *   plan     the release date (the run's start, UTC) and every jurisdiction's consent window from the registry:
 *            who shares, from when to when, and who does not and why;
 *   extract  one sharing jurisdiction's approved records within its window, as rows, into the run's staging folder
 *            (the Map runs one per jurisdiction);
 *   publish  every staged jurisdiction (all must be there, or the run fails), de-identified per form version
 *            together (k-anonymity needs every row), written as the release's files with the manifest last, then the
 *            switch, then the previous release's files and this run's staging are removed.
 * Every write is keyed by run or release, so a retried step overwrites its own files; only the switch makes a
 * release current, and the catalog reads one release at a time because the switch removes the one before.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import type { FormDefinition } from '#forms/types.ts';
import { deleteKeys, getObject, listKeys, putObject, putObjects } from '#shared/aws/s3.ts';
import { formRegistry } from '#shared/forms/registry.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { warehouseWindow } from './consent.ts';
import { datasetFiles, DATASETS_PREFIX, releaseIdOfKey, type DatasetManifest, type FormRelease } from './dataset.ts';
import { deidentifyRelease, type ReleaseRecord, type ReleaseSettings } from './deidentify.ts';
import { extractJurisdiction, type StagedJurisdiction } from './extract.ts';
import { STAGING_PREFIX, warehouseForms } from './layout.ts';
import { RELEASE_REASON_MAX, WarehouseReleases, type ConsentEntry, type FormReleaseSummary, type WarehouseRelease } from './store.ts';

export interface WarehouseRunDeps {
  client: DynamoDBDocumentClient;
  tableName: string;
  bucket: string;
  settings: ReleaseSettings;
  now?: () => Date;
}

/** Staged rows are identifiable (they are not de-identified yet): a lifecycle rule expires what a failed run leaves. */
export const stagingKey = (runId: string, jurisdictionId: string) => `${STAGING_PREFIX}${runId}/${jurisdictionId}.json`;

export const TRIGGERS = ['schedule', 'on_demand'] as const;
const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const planEntrySchema = z.lazy(() =>
  z.union([
    z.object({ id: z.string(), name: z.string(), state: z.string(), shares: z.literal(true), from: z.string().check(z.regex(DAY)), until: z.string().check(z.regex(DAY)), records: z.number() }),
    z.object({ id: z.string(), name: z.string(), state: z.string(), shares: z.literal(false), reason: z.enum(['no agreement', 'not sharing', 'lag not passed', 'inactive']) }),
  ]),
);
/** What every step after Plan receives. */
const runPlanSchema = z.lazy(() =>
  z.object({
    runId: z.string().check(z.regex(RUN_ID)),
    releaseId: z.string().check(z.regex(RUN_ID)),
    startedAt: z.string(),
    releaseDate: z.string().check(z.regex(DAY)),
    trigger: z.enum(TRIGGERS),
    reason: z.optional(z.string().check(z.maxLength(RELEASE_REASON_MAX))),
    jurisdictions: z.array(planEntrySchema),
  }),
);
export type RunPlan = z.infer<typeof runPlanSchema>;

export const planInputSchema = z.lazy(() =>
  z.object({
    input: z.object({ trigger: z.optional(z.enum(TRIGGERS)), reason: z.optional(z.string().check(z.maxLength(RELEASE_REASON_MAX))) }),
    requestedAt: z.iso.datetime({ offset: true }),
    runId: z.string().check(z.regex(RUN_ID)),
  }),
);
const extractInputSchema = z.lazy(() => z.object({ plan: runPlanSchema, jurisdictionId: z.string() }));
const publishInputSchema = z.lazy(() => z.object({ plan: runPlanSchema }));

/**
 * A release id sorts by the run's start: `<yyyymmddThhmmssSSSZ>-<run>` (file names carry it; older ones are removed).
 * Milliseconds included: two runs started in the same second must still sort by start, not by their random run ids.
 */
export function releaseIdOf(startedAt: string, runId: string): string {
  const stamp = new Date(startedAt).toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${runId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40)}`;
}

export class WarehouseRun {
  private readonly registry: JurisdictionStore;
  private readonly releases: WarehouseReleases;

  constructor(private readonly deps: WarehouseRunDeps) {
    this.registry = new JurisdictionStore(deps.tableName, deps.client);
    this.releases = new WarehouseReleases(deps.client, deps.tableName);
  }

  async plan(raw: unknown): Promise<{ run: RunPlan; sharing: string[] }> {
    const input = z.parse(planInputSchema, raw);
    const startedAt = new Date(input.requestedAt).toISOString();
    const releaseDate = startedAt.slice(0, 10);
    const jurisdictions = (await this.registry.list()).sort((a, b) => a.id.localeCompare(b.id));
    const entries: RunPlan['jurisdictions'] = jurisdictions.map((j) => {
      const window = warehouseWindow(j, releaseDate);
      const who = { id: j.id, name: j.name, state: j.state };
      return window.shares ? { ...who, shares: true, from: window.from, until: window.until, records: 0 } : { ...who, shares: false, reason: window.reason };
    });
    const run: RunPlan = { runId: input.runId, releaseId: releaseIdOf(startedAt, input.runId), startedAt, releaseDate, trigger: input.input.trigger ?? 'schedule', ...(input.input.reason ? { reason: input.input.reason } : {}), jurisdictions: entries };
    const sharing = entries.filter((e) => e.shares).map((e) => e.id);
    logger.info('warehouse release planned', { releaseId: run.releaseId, sharing: sharing.length, notSharing: entries.length - sharing.length });
    return { run, sharing };
  }

  async extract(raw: unknown): Promise<{ jurisdictionId: string; records: number }> {
    const { plan, jurisdictionId } = z.parse(extractInputSchema, raw);
    const entry = plan.jurisdictions.find((e) => e.id === jurisdictionId);
    if (!entry?.shares) throw new Error('The jurisdiction does not share with the warehouse in this run');
    const jurisdiction = await this.registry.get(jurisdictionId);
    if (!jurisdiction) throw new Error('The jurisdiction is no longer in the registry');
    const table = scopedTable(this.deps.client, this.deps.tableName, jurisdictionId);
    const staged = await extractJurisdiction(table, jurisdiction, { shares: true, from: entry.from, until: entry.until });
    await putObject(this.deps.bucket, stagingKey(plan.runId, jurisdictionId), JSON.stringify(staged), 'application/json');
    return { jurisdictionId, records: staged.records.length };
  }

  async publish(raw: unknown): Promise<{ published: boolean; releaseId: string; records: number; files: number; removed: number }> {
    const { plan } = z.parse(publishInputSchema, raw);
    const now = (this.deps.now ?? (() => new Date()))();
    const sharing = plan.jurisdictions.filter((e) => e.shares);
    const current = await this.releases.current();
    if (current?.releaseId === plan.releaseId) {
      // A retry of a publish that switched (its answer was lost): finish the clean-up, change nothing else.
      const removed = await this.removeOlderReleases(plan.releaseId);
      await deleteKeys(this.deps.bucket, sharing.map((e) => stagingKey(plan.runId, e.id)));
      return { published: true, releaseId: plan.releaseId, records: current.forms.reduce((n, f) => n + f.records, 0), files: current.files.length, removed };
    }
    const staged = await Promise.all(
      sharing.map(async (e) => {
        const body = await getObject(this.deps.bucket, stagingKey(plan.runId, e.id));
        // Never a partial release: a jurisdiction without its extract fails the run.
        if (!body) throw new Error(`The extract of a jurisdiction of this run is missing (${e.id}); nothing is published`);
        return JSON.parse(Buffer.from(body).toString('utf8')) as StagedJurisdiction;
      }),
    );
    const consent: ConsentEntry[] = plan.jurisdictions.map((e) => (e.shares ? { ...e, records: staged[sharing.indexOf(e)]!.records.length } : e));
    const forms = releaseForms(staged);
    const settings = this.deps.settings;
    const releases: FormRelease[] = forms.map(({ form, records }) => ({ form, release: deidentifyRelease({ form, records, settings }) }));
    const objects = datasetFiles({ releaseId: plan.releaseId, generatedAt: now.toISOString(), releases, consent: { releaseDate: plan.releaseDate, jurisdictions: consent } });
    // The manifest is the last object: a release whose manifest is there is whole.
    const manifestObject = objects.at(-1)!;
    const rest = objects.slice(0, -1);
    await putObjects(this.deps.bucket, rest);
    await putObject(this.deps.bucket, manifestObject.key, manifestObject.body, manifestObject.contentType);
    const manifest = JSON.parse(Buffer.from(manifestObject.body).toString('utf8')) as DatasetManifest;

    const release: WarehouseRelease = {
      releaseId: plan.releaseId,
      runId: plan.runId,
      startedAt: plan.startedAt,
      publishedAt: now.toISOString(),
      releaseDate: plan.releaseDate,
      trigger: plan.trigger,
      ...(plan.reason ? { reason: plan.reason } : {}),
      manifestKey: manifestObject.key,
      dictionaryKey: manifest.dictionary.key,
      files: manifest.files.map((f) => f.key),
      forms: manifest.forms.map(summaryOf),
      jurisdictions: consent,
    };
    const switched = await this.releases.switchTo(release);
    const records = manifest.forms.reduce((n, f) => n + f.records, 0);
    if (!switched) {
      // A run that started later published first: this run's files must not stay beside its release.
      await deleteKeys(this.deps.bucket, release.files);
      await deleteKeys(this.deps.bucket, staged.map((s) => stagingKey(plan.runId, s.jurisdiction.id)));
      logger.info('a later warehouse run already published; this release is removed', { releaseId: plan.releaseId });
      return { published: false, releaseId: plan.releaseId, records, files: 0, removed: release.files.length };
    }
    const removed = await this.removeOlderReleases(plan.releaseId);
    await deleteKeys(this.deps.bucket, staged.map((s) => stagingKey(plan.runId, s.jurisdiction.id)));
    logger.info('warehouse release published', { releaseId: plan.releaseId, records, files: release.files.length, removed });
    return { published: true, releaseId: plan.releaseId, records, files: release.files.length, removed };
  }

  /**
   * Removes every dataset file of a release older than `releaseId` (ids sort by start time): the previous release,
   * and what an earlier run that failed after writing left. A later-started run's files are never touched.
   */
  private async removeOlderReleases(releaseId: string): Promise<number> {
    const older = (await listKeys(this.deps.bucket, DATASETS_PREFIX)).filter((key) => {
      const id = releaseIdOfKey(key);
      return id !== undefined && id < releaseId;
    });
    await deleteKeys(this.deps.bucket, older);
    return older.length;
  }
}

/**
 * Every published warehouse form version (so each catalog table has its release, even an empty one), and every
 * other version records were written with (a retired version's records are not left out), with its records.
 */
export function releaseForms(staged: readonly StagedJurisdiction[], published: readonly FormDefinition[] = warehouseForms()): { form: FormDefinition; records: ReleaseRecord[] }[] {
  const byVersion = new Map<string, { form: FormDefinition; records: ReleaseRecord[] }>();
  const id = (formId: string, version: number) => `${formId}\u0000${version}`;
  for (const form of published) byVersion.set(id(form.formId, form.version), { form, records: [] });
  for (const s of staged) {
    for (const r of s.records) {
      const key = id(r.formId, r.formVersion);
      let entry = byVersion.get(key);
      if (!entry) byVersion.set(key, (entry = { form: formRegistry.getForm(r.formId, r.formVersion), records: [] }));
      entry.records.push({ recordId: r.recordId, jurisdiction: s.jurisdiction, rows: r.rows });
    }
  }
  return [...byVersion.values()].sort((a, b) => a.form.formId.localeCompare(b.form.formId) || a.form.version - b.form.version);
}

function summaryOf(f: DatasetManifest['forms'][number]): FormReleaseSummary {
  const k = f.report.kAnonymity;
  return {
    formId: f.formId,
    version: f.version,
    records: f.records,
    k: k.k,
    smallestClass: k.smallestClass,
    classes: k.classes,
    generalized: f.report.generalized,
    suppressedCells: Object.values(f.report.suppressedCells).reduce((n, c) => n + c, 0),
    suppressed: f.report.suppressed,
    droppedColumns: f.report.dropped.length,
  };
}
