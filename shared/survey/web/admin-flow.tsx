/** The jurisdiction admin's survey wave pages behind functions/web: list, open, close. */
import type { PageInput } from '#shared/web/page-input.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { NotFoundError, ValidationError, type FieldError } from '#shared/errors.ts';
import { latestVersion } from '#shared/forms/registry.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { page } from '#shared/web/components/page.tsx';
import type { Alert } from '#shared/web/components/alerts.tsx';
import { SURVEY_FORM_ID, todayUtc } from '#shared/survey/model.ts';
import { WavesPage } from './pages.tsx';
import { SurveyWaves } from '#shared/survey/store.ts';

function scope(i: PageInput) {
  const jurisdictionId = i.principal.jurisdictionId!;
  return {
    jurisdictionId,
    waves: new SurveyWaves(scopedTable(documentClient, i.table, jurisdictionId)),
    actor: { subject: i.principal.subject, role: i.principal.role, jurisdictionId, requestId: i.event.requestContext.requestId, ...(i.principal.displayName ? { displayName: i.principal.displayName } : {}) },
  };
}

async function render(i: PageInput, opts: { alert?: Alert; errors?: FieldError[]; typed?: { title: string; closesOn: string }; status?: number } = {}): Promise<HttpResult> {
  const { jurisdictionId, waves } = scope(i);
  const [list, jurisdiction] = await Promise.all([waves.list(), new JurisdictionStore(i.table).get(jurisdictionId)]);
  const errors = opts.errors ?? [];
  return page(
    {
      title: `${errors.length ? 'Error: ' : ''}Survey waves`,
      path: '/survey-waves',
      principal: i.principal,
      csrfToken: i.csrf,
      children: (
        <WavesPage
          jurisdictionName={jurisdiction?.name ?? jurisdictionId}
          waves={list}
          today={todayUtc()}
          appOrigin={requiredEnv('APP_ORIGIN')}
          csrf={i.csrf}
          typed={opts.typed}
          errors={errors}
          alert={opts.alert}
          hasUnits={(jurisdiction?.units.length ?? 0) > 0}
        />
      ),
    },
    opts.status ?? 200,
  );
}

const redirect = (location: string): HttpResult => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' });

export async function showWaves(i: PageInput, query: { opened?: string | undefined; closed?: string | undefined }): Promise<HttpResult> {
  const alert: Alert | undefined = query.opened
    ? { type: 'success', text: 'The wave is open. Copy its link from the table and send it to all staff: everyone gets the same link.' }
    : query.closed
      ? { type: 'success', text: 'The wave is closed: its link no longer takes answers.' }
      : undefined;
  return render(i, alert ? { alert } : {});
}

export async function openWave(i: PageInput, body: { title: string; closesOn: string }): Promise<HttpResult> {
  const { waves, actor, jurisdictionId } = scope(i);
  const jurisdiction = await new JurisdictionStore(i.table).get(jurisdictionId);
  if (!jurisdiction?.units.length) {
    return render(i, { errors: [{ field: 'title', message: 'Your jurisdiction has no units in the registry yet, and the survey asks for one: ask the platform team to add them' }], typed: body, status: 422 });
  }
  try {
    const wave = await waves.open(actor, body, latestVersion(SURVEY_FORM_ID));
    return redirect(`/survey-waves?opened=${encodeURIComponent(wave.waveId)}`);
  } catch (error) {
    if (error instanceof ValidationError) return render(i, { errors: [...error.fieldErrors], typed: body, status: 422 });
    throw error;
  }
}

export async function closeWave(i: PageInput, waveId: string): Promise<HttpResult> {
  const { waves, actor } = scope(i);
  const closed = await waves.close(actor, waveId);
  if (!closed) throw new NotFoundError('There is no such survey wave in your jurisdiction.');
  return redirect(`/survey-waves?closed=${encodeURIComponent(waveId)}`);
}
