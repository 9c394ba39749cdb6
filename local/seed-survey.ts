/**
 * `npm start`'s demo survey results: two closed waves (spring 2025 and spring 2026) in several jurisdictions, made
 * through the real store (opened, answered through the open link, closed and frozen by the close step) with the clock
 * set to those dates, and the partnership's targets. So the results pages, the partnership page and the trends show
 * something at once; one small jurisdiction stays under the minimum group size, so suppression shows too.
 *
 * Also an open invitation-mode wave of ky-dcbs with a small staff list, sent through the survey workflow, so the
 * invitation emails are in the local inbox.
 *
 * Idempotent: a jurisdiction that already has the demo waves is left alone, and targets are set only when none are.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '#shared/audit/model.ts';
import type { Answers } from '#shared/forms/index.ts';
import { getForm, latestVersion } from '#shared/forms/registry.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { closeWave } from '#shared/survey/lifecycle/close.ts';
import { parseStaffList } from '#shared/survey/invitations/csv.ts';
import { StaffLists } from '#shared/survey/invitations/store.ts';
import { importJob } from '#shared/survey/lifecycle/job-states.ts';
import { addDays, SURVEY_FORM_ID, todayUtc } from '#shared/survey/model.ts';
import type { ScaleTarget } from '#shared/survey/results/types.ts';
import { SurveyWaves } from '#shared/survey/store.ts';
import { SurveyTargets } from '#shared/survey/targets.ts';
import type { LocalStepFunctions } from './stepfunctions/service.ts';
import { demoAnswers } from './survey-demo-answers.ts';

/** Jurisdiction -> respondents per unit, in registry unit order (the last units small: they roll up). */
const DEMO_SIZES: Readonly<Record<string, readonly number[]>> = {
  'ky-dcbs': [24, 16, 11, 6, 3],
  'ct-dcf': [20, 14, 9, 7, 2],
  'il-dcfs': [30, 18, 12, 5, 4],
  'va-dss': [16, 12, 8, 6, 5],
  // Four respondents in all: the jurisdiction itself is under the minimum and shows nothing.
  'oh-cuyahoga-dcfs': [2, 1, 1],
};

const DEMO_WAVES = [
  { title: 'Spring 2025', opens: '2025-04-01', closes: '2025-04-30', shift: 0 },
  { title: 'Spring 2026', opens: '2026-04-01', closes: '2026-04-30', shift: 0.35 },
] as const;

/** What the partnership aims for (platform admins change it at /survey-targets). */
const DEMO_TARGETS: ScaleTarget[] = [
  { scale: 'safety_climate', baseline: { kind: 'first_closed' }, measure: 'percent_positive', change: 10 },
  { scale: 'psychological_safety', baseline: { kind: 'first_closed' }, measure: 'percent_positive', change: 5 },
  { scale: 'emotional_exhaustion', baseline: { kind: 'first_closed' }, measure: 'mean', change: 0.2 },
];

/** The invitation wave's staff list (fictional example.org people; the emails go to the local inbox). */
const DEMO_STAFF_LIST = `email,unit
casey.intake@ky-dcbs.example.org,Centralized Intake
drew.intake@ky-dcbs.example.org,Centralized Intake
alex.jefferson@ky-dcbs.example.org,Jefferson Region
jamie.jefferson@ky-dcbs.example.org,Jefferson Region
quinn.cumberland@ky-dcbs.example.org,Cumberland Region
`;
const DEMO_INVITATION_WAVE = 'Winter 2026 (personal invitations)';

export async function seedDemoSurveyResults(client: DynamoDBDocumentClient, tableName: string, stepFunctions: LocalStepFunctions): Promise<{ waves: number; targets: boolean; invited: number }> {
  const version = latestVersion(SURVEY_FORM_ID);
  const definition = getForm(SURVEY_FORM_ID, version);
  const registry = new JurisdictionStore(tableName, client);
  let waves = 0;
  for (const [jurisdictionId, sizes] of Object.entries(DEMO_SIZES)) {
    const jurisdiction = await registry.get(jurisdictionId);
    if (!jurisdiction) continue;
    const table = scopedTable(client, tableName, jurisdictionId);
    const existing = new Set((await new SurveyWaves(table).list()).map((w) => w.title));
    const actor: Actor = { subject: 'local-seed', role: 'system', jurisdictionId, requestId: 'local-seed' };
    for (const demo of DEMO_WAVES) {
      if (existing.has(demo.title)) continue;
      const opened = () => new Date(`${demo.opens}T14:00:00Z`);
      const store = new SurveyWaves(table, opened);
      const wave = await store.open(actor, { title: demo.title, closesOn: demo.closes, mode: 'open_link' }, version);
      const link = await store.findByLink(wave.linkToken);
      if (!link) throw new Error(`The demo wave ${demo.title} of ${jurisdictionId} has no link`);
      const unitSizes = Object.fromEntries(jurisdiction.units.map((u, i) => [u.code, sizes[i] ?? 0]));
      const answers = demoAnswers({ definition, unitSizes, seed: `${jurisdictionId}/${demo.title}`, shift: demo.shift });
      for (const a of answers) await store.respond(link, randomUUID(), a as Answers);
      await closeWave(table, actor, wave.waveId, jurisdiction, () => new Date(`${demo.closes}T23:00:00Z`));
      waves += 1;
    }
  }
  const invited = await seedInvitationWave(client, tableName, stepFunctions, version);
  const targets = new SurveyTargets(client, tableName);
  const current = await targets.get();
  const setTargets = current.version === 0;
  if (setTargets) await targets.set({ subject: 'local-seed', role: 'system', requestId: 'local-seed' }, DEMO_TARGETS, 0);
  return { waves, targets: setTargets, invited };
}

/** Opens the demo invitation wave and imports its staff list as the web page does; the workflow sends the emails. */
async function seedInvitationWave(client: DynamoDBDocumentClient, tableName: string, stepFunctions: LocalStepFunctions, version: number): Promise<number> {
  const jurisdictionId = 'ky-dcbs';
  const jurisdiction = await new JurisdictionStore(tableName, client).get(jurisdictionId);
  if (!jurisdiction) return 0;
  const table = scopedTable(client, tableName, jurisdictionId);
  const store = new SurveyWaves(table);
  if ((await store.list()).some((w) => w.title === DEMO_INVITATION_WAVE)) return 0;
  const today = todayUtc();
  const actor: Actor = { subject: 'local-seed', role: 'system', jurisdictionId, requestId: 'local-seed' };
  const wave = await store.open(actor, { title: DEMO_INVITATION_WAVE, closesOn: addDays(today, 30), mode: 'invitations', reminderDays: [addDays(today, 7), addDays(today, 14)] }, version);
  const parsed = parseStaffList(DEMO_STAFF_LIST, jurisdiction.units);
  if (!parsed.ok) throw new Error(`The demo staff list does not fit ${jurisdictionId}'s units: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const staged = await new StaffLists(table).stage(wave.waveId, parsed.rows);
  const machine = stepFunctions.byWorkflowId('survey-invitations');
  stepFunctions.startExecution(machine.arn, JSON.stringify({ state: importJob(jurisdictionId, wave.waveId, staged.importId) }), `import-${staged.importId}`);
  return staged.added;
}
