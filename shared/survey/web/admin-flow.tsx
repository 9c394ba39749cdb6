/** The jurisdiction admin's survey wave pages behind functions/web: list, open, close, the staff list of an invitation wave. */
import type { PageInput } from '#shared/web/page-input.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { ConflictError, GoneError, NotFoundError, ValidationError, type FieldError } from '#shared/errors.ts';
import { latestVersion } from '#shared/forms/registry.ts';
import type { HttpResult } from '#shared/http/response.ts';
import type { UploadedFile } from '#shared/http/handler.ts';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import { startExecution } from '#shared/review/start.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { page } from '#shared/web/components/page.tsx';
import type { Alert } from '#shared/web/components/alerts.tsx';
import { SURVEY_FORM_ID, todayUtc, type SurveyWave } from '#shared/survey/model.ts';
import { decodeStaffList, parseStaffList, type StaffListProblem } from '#shared/survey/invitations/csv.ts';
import { StaffLists } from '#shared/survey/invitations/store.ts';
import { closeWave as closeAndFreeze } from '#shared/survey/lifecycle/close.ts';
import { closeJob, importJob } from '#shared/survey/lifecycle/job-states.ts';
import { StaffListPage, WavesPage } from './pages.tsx';
import { SurveyWaves } from '#shared/survey/store.ts';

function scope(i: PageInput) {
  const jurisdictionId = i.principal.jurisdictionId!;
  const table = scopedTable(documentClient, i.table, jurisdictionId);
  return {
    jurisdictionId,
    table,
    waves: new SurveyWaves(table),
    actor: { subject: i.principal.subject, role: i.principal.role, jurisdictionId, requestId: i.event.requestContext.requestId, ...(i.principal.displayName ? { displayName: i.principal.displayName } : {}) },
  };
}

type Typed = { title: string; closesOn: string; mode?: string | undefined; reminder1?: string | undefined; reminder2?: string | undefined };

async function render(i: PageInput, opts: { alert?: Alert; errors?: FieldError[]; typed?: Typed; status?: number } = {}): Promise<HttpResult> {
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

const people = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? `person ${one}` : `people ${many}`}`;

const redirect = (location: string): HttpResult => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' });

/** The survey workflow (infra: SurveyWorkflow), started with one job; the name makes a repeated start a no-op. */
async function startSurveyWorkflow(name: string, state: unknown): Promise<void> {
  await startExecution(requiredEnv('SURVEY_STATE_MACHINE_ARN'), name, { state });
}

export async function showWaves(
  i: PageInput,
  query: { opened?: string | undefined; closed?: string | undefined; again?: string | undefined; imported?: string | undefined; added?: string | undefined; skipped?: string | undefined },
): Promise<HttpResult> {
  const alert: Alert | undefined = query.opened
    ? { type: 'success', text: 'The wave is open. Open link: copy its link from the table and send it to all staff. Personal invitations: upload the staff list from the table.' }
    : query.closed
      ? { type: 'success', text: 'The wave is closed: its links no longer take answers, and its results were computed and frozen. Its staff list, if it had one, is being deleted.' }
      : query.again
        ? { type: 'info', text: 'This wave was already closed. Nothing was done again: its results were computed once, when it closed, and are not computed twice.' }
        : query.imported
          ? {
              type: 'success',
              text: `The staff list was imported: ${people(Number(query.added ?? 0), 'is', 'are')} being invited${Number(query.skipped) ? `; ${people(Number(query.skipped), 'was', 'were')} on the list already and left out` : ''}. The counts below grow as the emails go out.`,
            }
          : undefined;
  return render(i, alert ? { alert } : {});
}

export async function openWave(i: PageInput, body: Typed): Promise<HttpResult> {
  const { waves, actor, jurisdictionId } = scope(i);
  const jurisdiction = await new JurisdictionStore(i.table).get(jurisdictionId);
  if (!jurisdiction?.units.length) {
    return render(i, { errors: [{ field: 'title', message: 'Your jurisdiction has no units in the registry yet, and the survey asks for one: ask the platform team to add them' }], typed: body, status: 422 });
  }
  const reminderDays = [body.reminder1, body.reminder2].map((d) => d?.trim()).filter((d): d is string => Boolean(d));
  try {
    const wave = await waves.open(actor, { title: body.title, closesOn: body.closesOn, mode: body.mode as never, reminderDays }, latestVersion(SURVEY_FORM_ID));
    return redirect(`/survey-waves?opened=${encodeURIComponent(wave.waveId)}`);
  } catch (error) {
    if (error instanceof ValidationError) return render(i, { errors: [...error.fieldErrors].map((e) => (e.field.startsWith('reminderDays') ? { ...e, field: 'reminderDays' } : e)), typed: body, status: 422 });
    throw error;
  }
}

/**
 * "Close now": the status, then the results frozen once (both here, so the page can say so at once), then the
 * survey workflow deletes the staff list in batches. Closing a closed wave does nothing again and says so.
 */
export async function closeWave(i: PageInput, waveId: string): Promise<HttpResult> {
  const { table, actor, jurisdictionId } = scope(i);
  const jurisdiction = await new JurisdictionStore(i.table).get(jurisdictionId);
  const closed = await closeAndFreeze(table, actor, waveId, { name: jurisdiction?.name ?? jurisdictionId, units: jurisdiction?.units ?? [] });
  if (!closed) throw new NotFoundError('There is no such survey wave in your jurisdiction.');
  if (closed.wave.mode === 'invitations' && !closed.wave.staffListDeletedAt) await startSurveyWorkflow(`close-${waveId}`, closeJob(jurisdictionId, waveId));
  return redirect(closed.closedNow ? `/survey-waves?closed=${encodeURIComponent(waveId)}` : `/survey-waves?again=${encodeURIComponent(waveId)}`);
}

async function invitationWave(i: PageInput, waveId: string): Promise<{ wave: SurveyWave; jurisdiction: Jurisdiction }> {
  const { waves, jurisdictionId } = scope(i);
  const [wave, jurisdiction] = await Promise.all([waves.get(waveId), new JurisdictionStore(i.table).get(jurisdictionId)]);
  if (!wave || !jurisdiction) throw new NotFoundError('There is no such survey wave in your jurisdiction.');
  return { wave, jurisdiction };
}

function staffPage(i: PageInput, wave: SurveyWave, jurisdiction: Jurisdiction, opts: { problems?: readonly StaffListProblem[]; typed?: string; alert?: Alert; status?: number } = {}): HttpResult {
  const problems = opts.problems ?? [];
  return page(
    {
      title: `${problems.length ? 'Error: ' : ''}Staff list: ${wave.title}`,
      path: '/survey-waves',
      principal: i.principal,
      csrfToken: i.csrf,
      children: <StaffListPage jurisdictionName={jurisdiction.name} wave={wave} units={jurisdiction.units} csrf={i.csrf} typed={opts.typed} problems={problems} alert={opts.alert} />,
    },
    opts.status ?? 200,
  );
}

const notTaking = (wave: SurveyWave, today: string): string | undefined =>
  wave.mode !== 'invitations'
    ? 'This wave has one open link for all staff: it takes no staff list. Open a wave with personal invitations to invite a list.'
    : wave.status !== 'open' || today > wave.closesOn
      ? 'This wave is closed: it takes no staff list.'
      : undefined;

export async function showStaffList(i: PageInput, waveId: string): Promise<HttpResult> {
  const { wave, jurisdiction } = await invitationWave(i, waveId);
  const refused = notTaking(wave, todayUtc());
  return staffPage(i, wave, jurisdiction, refused ? { alert: { type: 'warning', text: refused } } : {});
}

/**
 * The staff list, uploaded (a file) or typed: decoded (UTF-8 only), validated row by row against the registry's
 * units, and imported only when every row is right; then the survey workflow writes and emails the invitations.
 */
export async function importStaffList(i: PageInput, waveId: string, body: { list?: string | undefined }, file: UploadedFile | undefined): Promise<HttpResult> {
  const { wave, jurisdiction } = await invitationWave(i, waveId);
  const refused = notTaking(wave, todayUtc());
  if (refused) return staffPage(i, wave, jurisdiction, { alert: { type: 'error', text: refused }, status: 409 });
  const typed = body.list?.trim() ? body.list : undefined;
  if (!file && !typed) return staffPage(i, wave, jurisdiction, { problems: [{ message: 'Choose a CSV file, or type the list' }], status: 422 });
  if (file && typed) return staffPage(i, wave, jurisdiction, { problems: [{ message: 'Send either a file or a typed list, not both' }], typed, status: 422 });
  const decoded = file ? decodeStaffList(file.bytes) : { ok: true as const, text: typed! };
  if (!decoded.ok) return staffPage(i, wave, jurisdiction, { problems: decoded.problems, status: 422 });
  const parsed = parseStaffList(decoded.text, jurisdiction.units);
  // Counts only in the log: never an address or a line's content.
  logger.info('Survey staff list checked', { waveId, rows: parsed.ok ? parsed.rows.length : undefined, problems: parsed.ok ? 0 : parsed.problems.length });
  if (!parsed.ok) return staffPage(i, wave, jurisdiction, { problems: parsed.problems, ...(typed ? { typed } : {}), status: 422 });
  const { table, jurisdictionId } = scope(i);
  const lists = new StaffLists(table);
  let staged;
  try {
    staged = await lists.stage(waveId, parsed.rows);
  } catch (error) {
    if (error instanceof ConflictError || error instanceof GoneError) return staffPage(i, wave, jurisdiction, { alert: { type: 'error', text: error.message }, status: 409 });
    throw error;
  }
  if (staged.added > 0) {
    try {
      await startSurveyWorkflow(`import-${staged.importId}`, importJob(jurisdictionId, waveId, staged.importId));
    } catch (error) {
      // Not started: the import is undone (its rows stay unread and go with the list at close), so it can be sent again.
      await lists.releaseLock(waveId, staged.importId).catch(() => undefined);
      throw error;
    }
  }
  return redirect(`/survey-waves?imported=${encodeURIComponent(waveId)}&added=${staged.added}&skipped=${staged.alreadyListed}`);
}
