// Survey invitations (issue 12), on a local cloud of its own:
// (a) 5,000 invitations through the platform: upload, the survey workflow writes and emails them (MailDev), emails
//     per second from the upload to the last one sent (first, while nothing else runs);
// (b) the web request that takes a 20,000-row staff list (validated, staged), against the web function's 10 s, and
//     how long the workflow takes to write its 40,000 items;
// (c) 5,000 invitations sent in steps that are cut off midway (the sender freezes as a killed Lambda would) and
//     resumed from the last state the workflow had, after the email lease: no address gets a second email.
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '#shared/audit/index.ts';
import { latestVersion } from '#shared/forms/registry.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { createMailer } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { MAIL_LEASE_SECONDS } from '#shared/mail/once.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { parseStaffList } from '#shared/survey/invitations/csv.ts';
import { StaffLists } from '#shared/survey/invitations/store.ts';
import { importJob, SurveyJobs, type SurveyJob } from '#shared/survey/lifecycle/jobs.ts';
import { addDays, SURVEY_FORM_ID, todayUtc } from '#shared/survey/model.ts';
import { SurveyWaves } from '#shared/survey/store.ts';
import { signIn, type Browser } from '../test/integration/helpers.ts';
import { startTestCloud } from '../test/support/local-cloud.ts';
import type { BenchRow } from './types.ts';
import { until } from '../test/support/until.ts';

const JURISDICTION = 'ky-dcbs';
const INVITATIONS = Number(process.env.BENCH_INVITATIONS ?? 5_000);
const LARGE_LIST = 20_000;
/** The web function's timeout (infra: PlatformFunction default): a list that takes longer would fail. */
const WEB_TIMEOUT_S = 10;
const UPLOAD_TARGET_S = 5;


const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const csvOf = (addresses: readonly string[], unit: string) => `email,unit\n${addresses.map((a) => `${a},${unit}`).join('\n')}\n`;

async function openInvitationWave(url: string, admin: Browser, title: string): Promise<string> {
  const page = await (await admin.go(`${url}/survey-waves`)).text();
  const res = await admin.go(`${url}/survey-waves`, {
    method: 'POST',
    body: new URLSearchParams([['_csrf', hidden(page, '_csrf')!], ['title', title], ['closesOn', addDays(todayUtc(), 30)], ['mode', 'invitations']]),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const waveId = new URL(res.url).searchParams.get('opened');
  if (!waveId) throw new Error(`opening a wave answered ${res.status}`);
  return waveId;
}

/** The upload, and the waves page it redirects to (the test browser follows redirects): whether it was imported, and how long. */
async function upload(url: string, admin: Browser, waveId: string, csv: string): Promise<{ imported: boolean; seconds: number }> {
  const page = await (await admin.go(`${url}/survey-waves/${waveId}/staff`)).text();
  const body = new FormData();
  body.set('_csrf', hidden(page, '_csrf')!);
  body.set('file', new Blob([csv], { type: 'text/csv' }), 'staff.csv');
  const started = performance.now();
  const res = await admin.go(`${url}/survey-waves/${waveId}/staff`, { method: 'POST', body });
  await res.arrayBuffer();
  return { imported: res.status === 200 && new URL(res.url).searchParams.has('imported'), seconds: (performance.now() - started) / 1000 };
}

export async function benchSurveyInvitations(): Promise<BenchRow[]> {
  const { cloud, close } = await startTestCloud();
  const rows: BenchRow[] = [];
  try {
    const url = cloud.url;
    const tableName = cloud.assembly.tables[0]!.name;
    const admin = await signIn(`demo-${JURISDICTION}-admin`, url);
    const jurisdiction = (await new JurisdictionStore(tableName, cloud.storage).get(JURISDICTION))!;
    const unit = jurisdiction.units[0]!.code;
    const run = randomBytes(3).toString('hex');
    const waveOf = async (waveId: string) =>
      (await cloud.storage.send(new GetCommand({ TableName: tableName, Key: { pk: `${JURISDICTION}#SURVEY`, sk: `WAVE#${waveId}` }, ConsistentRead: true }))).Item ?? {};

    // (a) 5,000 invitations through the platform, from the upload to the last email sent.
    const wave = await openInvitationWave(url, admin, `Bench ${INVITATIONS} ${run}`);
    const started = performance.now();
    const up = await upload(url, admin, wave, csvOf(Array.from({ length: INVITATIONS }, (_, i) => `bench.${run}.${i}@agency.example.gov`), unit));
    if (!up.imported) throw new Error('the upload was not imported');
    await until(`${INVITATIONS} invitations sent`, async () => Number((await waveOf(wave)).sent ?? 0) >= INVITATIONS, 1_800_000, 500);
    const seconds = (performance.now() - started) / 1000;
    const rate = INVITATIONS / seconds;
    console.log(`  ${INVITATIONS} invitations: upload to last email ${seconds.toFixed(1)} s, ${rate.toFixed(1)} emails/s`);
    rows.push({ group: 'survey', name: `${INVITATIONS.toLocaleString('en-US')} invitations through the workflow (MailDev)`, value: Number(rate.toFixed(1)), unit: 'emails/s' });

    // (b) The largest list the platform takes, through the web function: validated and staged in one request.
    const large = await openInvitationWave(url, admin, `Bench 20k ${run}`);
    const big = await upload(url, admin, large, csvOf(Array.from({ length: LARGE_LIST }, (_, i) => `large.${run}.${i}@agency.example.gov`), unit));
    if (!big.imported) throw new Error('the 20,000-row upload was not imported');
    console.log(`  20,000-row staff list: web request ${big.seconds.toFixed(2)} s (validate + stage; the workflow writes the invitations)`);
    rows.push({ group: 'survey', name: `staff list upload, ${LARGE_LIST.toLocaleString('en-US')} rows: web request (and the page it redirects to)`, value: Number(big.seconds.toFixed(2)), unit: 's', target: `<= ${UPLOAD_TARGET_S} s (function timeout ${WEB_TIMEOUT_S} s)`, pass: big.seconds <= UPLOAD_TARGET_S });
    // Its invitations are written by the workflow; closing stops the sending (the 20,000 are not emailed here).
    const writeStarted = performance.now();
    await until('the 20,000 invitations written', async () => Number((await waveOf(large)).invited ?? 0) === LARGE_LIST, 600_000, 500);
    const writeSeconds = (performance.now() - writeStarted) / 1000;
    console.log(`  20,000 invitations written by the workflow in ${writeSeconds.toFixed(1)} s`);
    rows.push({ group: 'survey', name: `staff list of ${LARGE_LIST.toLocaleString('en-US')}: invitations written by the workflow (info)`, value: Number(writeSeconds.toFixed(1)), unit: 's' });
    const list = await (await admin.go(`${url}/survey-waves`)).text();
    await admin.go(`${url}/survey-waves/${large}/close`, { method: 'POST', body: new URLSearchParams([['_csrf', hidden(list, '_csrf')!]]), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    // (c) Interrupted and resumed: the sender freezes after a third of the emails (in-flight sends never finish, as
    // in a killed Lambda); the step is run again from the state before it, after the lease, as Step Functions would.
    const table = scopedTable(cloud.storage, tableName, JURISDICTION);
    const actor: Actor = { subject: 'bench', role: 'system', jurisdictionId: JURISDICTION, requestId: 'bench' };
    const resumeWave = await new SurveyWaves(table).open(actor, { title: `Bench resume ${run}`, closesOn: addDays(todayUtc(), 30), mode: 'invitations' }, latestVersion(SURVEY_FORM_ID));
    const addresses = Array.from({ length: INVITATIONS }, (_, i) => `resume.${run}.${i}@agency.example.gov`);
    const parsed = parseStaffList(csvOf(addresses, unit), jurisdiction.units);
    if (!parsed.ok) throw new Error('the bench list did not validate');
    const staged = await new StaffLists(table).stage(resumeWave.waveId, parsed.rows);
    // The platform's mailer over SMTP to the local inbox, as the functions send locally (shared/mail/send.ts reads its
    // configuration from the environment at load, which this process does not have).
    const smtp = new URL(cloud.endpoints.smtp);
    const mailer = createMailer({ from: 'no-reply@npcs.invalid', transport: async () => (await import('nodemailer')).createTransport({ host: smtp.hostname, port: Number(smtp.port) }) });
    const accepted = new Map<string, number>();
    let frozen = false;
    const freezeAfter = Math.floor(INVITATIONS / 3);
    const sender = (message: MailMessage) => {
      if (frozen) return new Promise<never>(() => undefined);
      if (accepted.size >= freezeAfter) frozen = true;
      return mailer.sendMail(message).then((sent) => {
        accepted.set(message.to, (accepted.get(message.to) ?? 0) + 1);
        return sent;
      });
    };
    const secret = randomBytes(32).toString('base64url');
    const deps = { client: cloud.storage, tableName, registry: new JurisdictionStore(tableName, cloud.storage), secret: async () => secret, send: sender, appOrigin: url, budgetMs: 2_000 };
    let state = importJob(JURISDICTION, resumeWave.waveId, staged.importId) as SurveyJob;
    let before: SurveyJob = state;
    const first = new SurveyJobs(deps);
    // Steps as the workflow runs them; the one that freezes never returns: the run is abandoned there.
    const cut = new Promise<'cut'>((resolve) => {
      const check = setInterval(() => {
        if (frozen) {
          clearInterval(check);
          setTimeout(() => resolve('cut'), 1_000);
        }
      }, 50);
    });
    for (;;) {
      before = state;
      const next: SurveyJob | 'cut' = await Promise.race([first.step(state), cut]);
      if (next === 'cut') break;
      state = next;
      if (state.done) throw new Error('the send ended before it was cut off');
    }
    const beforeResume = accepted.size;
    frozen = false;
    const later = () => new Date(Date.now() + (MAIL_LEASE_SECONDS + 60) * 1000);
    const resumed = new SurveyJobs({ ...deps, send: (m) => mailer.sendMail(m).then((sent) => (accepted.set(m.to, (accepted.get(m.to) ?? 0) + 1), sent)), now: later });
    await resumed.run(before);
    const twice = [...accepted.values()].filter((n) => n > 1).length;
    const missing = addresses.filter((a) => !accepted.has(a)).length;
    console.log(`  interrupted after ${beforeResume} emails, resumed: ${accepted.size} addresses emailed, ${twice} twice, ${missing} missing`);
    rows.push({ group: 'survey', name: `${INVITATIONS.toLocaleString('en-US')} invitations cut off after ${beforeResume} and resumed: emails sent twice`, value: twice, unit: 'emails', target: '0', pass: twice === 0 });
    rows.push({ group: 'survey', name: `${INVITATIONS.toLocaleString('en-US')} invitations cut off and resumed: people never emailed`, value: missing, unit: 'people', target: '0', pass: missing === 0 });
  } finally {
    await close();
  }
  return rows;
}
