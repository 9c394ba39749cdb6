// `npm start`: the whole platform on this machine, on embedded stand-ins, with seeded demo data.
import * as path from 'node:path';
import { startDynamoDb } from './standins/dynamodb.ts';
import type { StandInPorts } from './cloud.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name} must be a port number (0-65535), not "${raw}"`);
    process.exit(2);
  }
  return port;
}

const port = portFromEnv('PORT', 3000);
const base = portFromEnv('LOCAL_PORT_BASE', 0);
const ports: StandInPorts = base
  ? { dynamodb: base, s3: base + 1, smtp: base + 2, mailWeb: base + 3, stepFunctions: base + 4, oidc: base + 5, inboundSmtp: base + 6 }
  : { dynamodb: 8000, s3: 4569, smtp: 1025, mailWeb: 1080, stepFunctions: 8083, oidc: 8084, inboundSmtp: 2525 };
const dataDir = path.resolve(process.env.LOCAL_DATA_DIR || path.join(PROJECT_ROOT, '.local', 'data'));
const timeScaleRaw = process.env.LOCAL_TIME_SCALE;
const timeScale = timeScaleRaw === undefined || timeScaleRaw === '' ? 1 : Number(timeScaleRaw);
if (!Number.isFinite(timeScale) || timeScale <= 0) {
  console.error(`LOCAL_TIME_SCALE must be a positive number (86400 makes a day a second), not "${timeScaleRaw}"`);
  process.exit(2);
}

const started = Date.now();
const log = (line: string) => console.log(`[local] ${line}`);
log(`starting (data in ${path.relative(process.cwd(), dataDir) || '.'}) ...`);

// The JVM first: it takes longest to answer, and starts while the rest of the local cloud loads.
const dynamodb = startDynamoDb(ports.dynamodb, path.join(dataDir, 'dynamodb'));
dynamodb.catch(() => undefined); // reported by startLocalCloud, which awaits it
const [{ startLocalCloud }, { describeDemoUsers }, { DEMO_REVIEWS, DEMO_REVIEW_JURISDICTION, seedDemoReviews }] = await Promise.all([
  import('./cloud.ts'),
  import('./oidc/users.ts'),
  import('./seed-reviews.ts'),
]);
// e.g. LOCAL_FAULTS=rate:0.2,seed:42: a share of the functions' AWS calls and SMTP connections fail (local/faults/).
const faults = process.env.LOCAL_FAULTS || undefined;
const cloud = await startLocalCloud({ port, dataDir, ports, log, dynamodb, timeScale, faults }).catch((e: unknown) => {
  console.error(`[local] could not start: ${(e as Error).message}`);
  process.exit(1);
});

const routes = cloud.assembly.routes.map((r) => `    ${r.routeKey.padEnd(44)} -> ${r.functionId}`).join('\n');
const schedules = cloud.scheduler.list().map((s) => `    ${s.id} -> ${s.workflowId} ${s.expression} (next ${s.next?.toISOString() ?? 'never'})`).join('\n');
console.log(`
NPCS platform is running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  Cloud assembly ${cloud.assemblyReused ? 'reused: none of its inputs changed since the last start' : 'synthesized: new or changed inputs'}

  App            ${cloud.url}
  Health         ${cloud.url}/healthz
  Registry API   ${cloud.url}/api/jurisdictions
  Mail inbox     ${cloud.endpoints.mailInbox}
  Replies (SMTP) ${cloud.endpoints.inboundSmtp}   (SES receiving: reply to a review email here; ${cloud.assembly.receiptRules.flatMap((r) => r.recipients).join(', ')})
  DynamoDB Local ${cloud.endpoints.dynamodb}
  S3 emulator    ${cloud.endpoints.s3}
  Step Functions ${cloud.endpoints.stepFunctions}${timeScale === 1 ? '' : `   (time ${timeScale}x faster: LOCAL_TIME_SCALE)`}${faults ? `\n  Faults         ${faults}   (LOCAL_FAULTS: a share of the functions' AWS calls and SMTP connections fail)` : ''}
  Sign-in (OIDC) ${cloud.endpoints.oidcIssuer}   sign in at ${cloud.url}/auth/sign-in
  Survey (anon)  ${cloud.demoSurveyPath ? `${cloud.url}${cloud.demoSurveyPath}   (a demo wave; no sign-in)` : 'no demo wave (seeding is off)'}

  Routes (from the synthesized template):
${routes}
  State machines: ${cloud.assembly.stateMachines.map((s) => s.id).join(', ')}
  Schedules:
${schedules}
  Demo data: jurisdictions from seed/jurisdictions.json; demo users from seed/users.json (pick one on the sign-in page):
${describeDemoUsers(cloud.demoUsers).map((line) => `    ${line}`).join("\n")}
  Demo survey results: spring 2025 and 2026 waves of ky-dcbs, ct-dcf, il-dcfs, va-dss, oh-cuyahoga-dcfs (closed, frozen)
  Demo reviews (${DEMO_REVIEW_JURISDICTION}, through the review workflow; their emails are in the mail inbox):
${DEMO_REVIEWS.map((r) => `    ${r.state.padEnd(18)} ${r.reference}`).join('\n')}

Press Ctrl-C to stop. Data is kept in ${dataDir}; delete it for a fresh start.
`);

let stopping = false;
// After the banner: the platform is ready; the reviews go through the workflow in the background (a few seconds).
const seeding = Date.now();
const reviewsSeeded = seedDemoReviews({ client: cloud.storage, tableName: cloud.tableName, stepFunctions: cloud.stepFunctions, demoUsers: cloud.demoUsers, log }).then(
  ({ people, reviews }) =>
    log(
      `demo data: people directory ${people.added} added, ${people.existing} already there; demo reviews ${reviews.added.length} seeded through the workflow, ${reviews.existing} already there (${((Date.now() - seeding) / 1000).toFixed(1)} s; emails at ${cloud.endpoints.mailInbox})`,
    ),
  (e: unknown) => {
    if (!stopping) console.error(`[local] demo reviews not seeded: ${(e as Error).message}`);
  },
);

// The demo notice, published by its approval above: three partners answer it (its status table shows every kind of row).
void reviewsSeeded
  .then(() => import('./seed-notices.ts'))
  .then(({ seedDemoNoticeAnswers }) => seedDemoNoticeAnswers(cloud.storage, cloud.tableName))
  .then(
    ({ answered, noticeId }) =>
      log(noticeId ? `demo notice: published to every partner; ${answered} partners answered it now (see /notices, and its status table as the Kentucky review lead)` : 'demo notice: not published yet (see /notices)'),
    (e: unknown) => {
      if (!stopping) console.error(`[local] demo notice answers not seeded: ${(e as Error).message}`);
    },
  );

// Survey results: two closed waves in several jurisdictions, frozen by the real close step, and the targets.
const surveysSeeded = import('./seed-survey.ts')
  .then(({ seedDemoSurveyResults }) => seedDemoSurveyResults(cloud.storage, cloud.tableName, cloud.stepFunctions))
  .then(
    ({ waves, targets, invited }) =>
      log(`demo surveys: ${waves} closed waves seeded and frozen${targets ? ', partnership targets set' : ''} (see /survey-results); ${invited} staff invited to an invitation wave (emails in the local inbox)`),
    (e: unknown) => {
      if (!stopping) console.error(`[local] demo survey results not seeded: ${(e as Error).message}`);
    },
  );

// Reports: after the people (the digests' recipients) and the survey results (the culture section) are in.
const reportsSeeded = Promise.all([reviewsSeeded, surveysSeeded])
  .then(() => import('./seed-reports.ts'))
  .then(({ seedDemoReports }) => {
    const exports = cloud.assembly.buckets.find((b) => b.logicalId.startsWith('BucketsExports'));
    if (!exports) throw new Error('no exports bucket in the template');
    return seedDemoReports(cloud.storage, cloud.tableName, exports.name, cloud.stepFunctions);
  })
  .then(
    ({ reviews, releases }) =>
      log(
        releases.length
          ? `demo reports: ${reviews} synthetic approved reviews; releases ${releases.map((r) => `${r.cadence} ${r.periodId} ${r.status}`).join(', ')} (see /reports; digests in the local inbox)`
          : 'demo reports: already published (see /reports)',
      ),
    (e: unknown) => {
      if (!stopping) console.error(`[local] demo reports not seeded: ${(e as Error).message}`);
    },
  );

// The warehouse release: after the reports, so the two runs do not compete for the two cores.
void reportsSeeded
  .then(() => import('./seed-warehouse.ts'))
  .then(({ seedDemoWarehouse }) => seedDemoWarehouse(cloud.storage, cloud.tableName, cloud.stepFunctions))
  .then(
    ({ reviews, status }) =>
      log(status ? `demo warehouse: ${reviews} older approved reviews; release ${status.toLowerCase()} (see /warehouse)` : 'demo warehouse: a release is current already (see /warehouse)'),
    (e: unknown) => {
      if (!stopping) console.error(`[local] demo warehouse release not seeded: ${(e as Error).message}`);
    },
  );

const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping every service ...`);
  await cloud.stop();
  log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
