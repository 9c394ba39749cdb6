/**
 * The survey results and targets pages behind functions/web: a wave's results for its jurisdiction admin (always the
 * principal's own jurisdiction: no jurisdiction in the path), the partnership's page for leads and platform admins,
 * and the baselines and targets form for platform admins. Numbers come from the frozen results only.
 */
import type { PageInput } from '#shared/web/page-input.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { isAllowed } from '#shared/auth/policy.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { getForm, latestVersion } from '#shared/forms/registry.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { SURVEY_FORM_ID } from '#shared/survey/model.ts';
import { SurveyWaves } from '#shared/survey/store.ts';
import { formValuesFrom, formValuesOf, SurveyTargets, targetScales, targetsFrom, type BaselineChoices, type TargetFormValues } from '#shared/survey/targets.ts';
import type { FieldError } from '#shared/errors.ts';
import { page } from '#shared/web/components/page.tsx';
import type { PostedFields } from '#shared/web/form-values.ts';
import { resultsEngine, type ResultsEngine } from './results-data.ts';
import { partnershipCsv, waveResultsCsv } from './results-csv.ts';
import { NothingHerePage, type Alert } from '#shared/web/components/alerts.tsx';
import { PartnershipResultsPage, WaveResultsPage } from './results-pages.tsx';
import { partnershipView, waveResultsView, type JurisdictionLatest, type PartnershipView, type WaveResultsView } from './results-view.ts';
import { TargetsPage } from './targets-pages.tsx';

const latestSurvey = () => getForm(SURVEY_FORM_ID, latestVersion(SURVEY_FORM_ID));
const redirect = (location: string): HttpResult => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' });
const csv = (body: string, filename: string): HttpResult => ({
  statusCode: 200,
  headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
  body,
});

/** A wave's view, or the page that says why there is none (open wave: 404 with "results come when it closes"). */
async function waveView(i: PageInput, waveId: string, engine: ResultsEngine): Promise<{ view: WaveResultsView } | { page: HttpResult }> {
  const jurisdictionId = i.principal.jurisdictionId!;
  const table = scopedTable(documentClient, i.table, jurisdictionId);
  const [waves, current, jurisdiction] = await Promise.all([new SurveyWaves(table).list(), engine.get(table, waveId), new JurisdictionStore(i.table).get(jurisdictionId)]);
  const wave = waves.find((w) => w.waveId === waveId);
  // Another jurisdiction's wave is not found here either: the scoped table reads the principal's own only.
  if (!wave) throw new NotFoundError('There is no such survey wave in your jurisdiction.');
  const noResults = (title: string, text: string) => ({ page: page({ title, path: '/survey-waves', principal: i.principal, csrfToken: i.csrf, children: <NothingHerePage title={title} text={text} back={{ href: '/survey-waves', label: 'Back to the survey waves' }} /> }, 404) });
  if (wave.status === 'open') {
    return noResults('This wave is still open', `"${wave.title}" takes answers until ${wave.closesOn}: its results come when it closes. Results are computed once, at closing, and never change afterwards.`);
  }
  if (!current) return noResults('No results for this wave', `"${wave.title}" closed before the platform computed survey results, so it has none. Waves closed from now on get their results when they close.`);
  const [closedWaves, { targets }] = await Promise.all([engine.listClosed(table), new SurveyTargets(documentClient, i.table).get()]);
  const jurisdictionGroup = current.groups[0]?.groupId ?? jurisdictionId;
  return {
    view: waveResultsView({
      jurisdictionName: jurisdiction?.name ?? jurisdictionId,
      current,
      closedWaves,
      comparisons: engine.compareToBaseline(current, closedWaves, targets),
      targets,
      trend: engine.trend(closedWaves, jurisdictionGroup),
    }),
  };
}

/** GET /survey-waves/{waveId}/results */
export async function showWaveResults(i: PageInput, waveId: string, engine: ResultsEngine = resultsEngine): Promise<HttpResult> {
  const found = await waveView(i, waveId, engine);
  if ('page' in found) return found.page;
  return page({ title: `Results of ${found.view.wave.title}`, path: '/survey-waves', principal: i.principal, csrfToken: i.csrf, children: <WaveResultsPage view={found.view} /> });
}

/** GET /survey-waves/{waveId}/results.csv */
export async function waveResultsCsvFile(i: PageInput, waveId: string, engine: ResultsEngine = resultsEngine): Promise<HttpResult> {
  const found = await waveView(i, waveId, engine);
  if ('page' in found) return found.page;
  return csv(waveResultsCsv(found.view), `survey-results-${i.principal.jurisdictionId}-${waveId}.csv`);
}

async function partnership(i: PageInput, engine: ResultsEngine): Promise<PartnershipView> {
  const definition = latestSurvey();
  const [jurisdictions, { targets }] = await Promise.all([new JurisdictionStore(i.table).list(), new SurveyTargets(documentClient, i.table).get()]);
  const latest: JurisdictionLatest[] = await Promise.all(
    jurisdictions.map(async (j) => {
      const closedWaves = await engine.listClosed(scopedTable(documentClient, i.table, j.id));
      const last = closedWaves[closedWaves.length - 1];
      return { jurisdictionId: j.id, name: j.name, closedWaves, ...(last ? { latest: last } : {}), comparisons: last ? engine.compareToBaseline(last, closedWaves, targets) : [] };
    }),
  );
  const minGroupSize = engine.minGroupSize();
  const withResults = latest.flatMap((j) => (j.latest ? [j.latest] : []));
  return partnershipView({
    scales: targetScales(definition),
    jurisdictions: latest,
    pool: engine.poolJurisdictions(withResults, definition, minGroupSize),
    targets,
    minGroupSize,
  });
}

/** GET /survey-results */
export async function showPartnershipResults(i: PageInput, engine: ResultsEngine = resultsEngine): Promise<HttpResult> {
  const view = await partnership(i, engine);
  return page({
    title: 'Survey results',
    path: '/survey-results',
    principal: i.principal,
    csrfToken: i.csrf,
    children: <PartnershipResultsPage view={view} canManageTargets={isAllowed(i.principal, 'survey-targets:manage')} />,
  });
}

/** GET /survey-results.csv */
export async function partnershipCsvFile(i: PageInput, engine: ResultsEngine = resultsEngine): Promise<HttpResult> {
  return csv(partnershipCsv(await partnership(i, engine)), 'survey-results-partnership.csv');
}

/** Each jurisdiction's closed waves, which a chosen baseline may name. */
async function baselineChoices(i: PageInput): Promise<BaselineChoices[]> {
  const jurisdictions = await new JurisdictionStore(i.table).list();
  return Promise.all(
    jurisdictions.map(async (j) => {
      const waves = await new SurveyWaves(scopedTable(documentClient, i.table, j.id)).list();
      const closed = waves.filter((w) => w.status === 'closed').reverse();
      return { jurisdictionId: j.id, name: j.name, waves: closed.map((w) => ({ waveId: w.waveId, title: w.title, closedOn: (w.closedAt ?? w.closesOn).slice(0, 10) })) };
    }),
  );
}

async function targetsPage(i: PageInput, opts: { values?: TargetFormValues; version?: number; errors?: FieldError[]; alert?: Alert; status?: number } = {}): Promise<HttpResult> {
  const store = new SurveyTargets(documentClient, i.table);
  const scales = targetScales(latestSurvey());
  const [current, choices, changes] = await Promise.all([store.get(), baselineChoices(i), store.changes()]);
  const errors = opts.errors ?? [];
  return page(
    {
      title: `${errors.length ? 'Error: ' : ''}Survey baselines and targets`,
      path: '/survey-targets',
      principal: i.principal,
      csrfToken: i.csrf,
      children: (
        <TargetsPage
          scales={scales}
          choices={choices}
          values={opts.values ?? formValuesOf(current.targets, scales)}
          version={opts.version ?? current.version}
          errors={errors}
          changes={changes}
          csrf={i.csrf}
          alert={opts.alert}
        />
      ),
    },
    opts.status ?? 200,
  );
}

/** GET /survey-targets */
export function showTargets(i: PageInput, query: { saved?: string | undefined }): Promise<HttpResult> {
  return targetsPage(i, query.saved ? { alert: { type: 'success', text: 'The baselines and targets are saved. Every results page compares with them from now on.' } } : {});
}

/** POST /survey-targets: saved (303 with a confirmation), or the form again (422 invalid, 409 changed meanwhile). */
export async function saveTargets(i: PageInput, posted: PostedFields): Promise<HttpResult> {
  const scales = targetScales(latestSurvey());
  const choices = await baselineChoices(i);
  const values = formValuesFrom(posted, scales, choices);
  const expected = Number(Array.isArray(posted.expectedVersion) ? posted.expectedVersion[0] : posted.expectedVersion);
  const parsed = targetsFrom(values, scales, choices);
  if (!parsed.ok) return targetsPage(i, { values, errors: parsed.errors, ...(Number.isInteger(expected) ? { version: expected } : {}), status: 422 });
  try {
    await new SurveyTargets(documentClient, i.table).set(
      { subject: i.principal.subject, role: i.principal.role, requestId: i.event.requestContext.requestId, ...(i.principal.displayName ? { displayName: i.principal.displayName } : {}) },
      parsed.targets,
      Number.isInteger(expected) ? expected : -1,
    );
  } catch (error) {
    if (error instanceof ConflictError) {
      // What was typed stays; the version is the current one, so saving again replaces the other change.
      const current = await new SurveyTargets(documentClient, i.table).get();
      return targetsPage(i, {
        values,
        version: current.version,
        alert: { type: 'warning', text: 'Someone else changed the targets after you opened this page. Nothing was lost: what you typed is below; the list of changes shows theirs. Save again to replace them.' },
        status: 409,
      });
    }
    throw error;
  }
  return redirect('/survey-targets?saved=1');
}
