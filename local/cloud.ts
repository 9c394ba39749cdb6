import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seedJurisdictions } from '#shared/jurisdictions/seed.ts';
import { ORIGIN_HEADER, originProof, parseOriginKeys } from '#shared/http/origin.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { seedDemoSurveyWave } from '#shared/survey/seed.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { LOCAL_REGION, readAssembly, type LocalAssembly } from './assembly.ts';
import { LocalHttpApi } from './http/gateway.ts';
import { LocalStaticAssets } from './http/static.ts';
import type { DemoUser } from './oidc/users.ts';
import { LambdaRuntime } from './lambda/runtime.ts';
import { FaultTally, formatFaultSpec, parseFaultSpec } from './faults/spec.ts';
import { startSmtpFaultProxy } from './faults/smtp.ts';
import { resumeReviews } from './review-resume.ts';
import { LocalScheduler } from './scheduler.ts';
import { LocalStreamTriggers } from './streams.ts';
import { ensureTables, startDynamoDb, type DynamoDbStandIn } from './standins/dynamodb.ts';
import { LocalInboundMail } from './standins/inbound-mail.ts';
import type { MailStandIn } from './standins/mail.ts';
import { startIamGate, type IamGate } from './standins/iam-gate.ts';
import { freePort } from './standins/ports.ts';
import { startStepFunctionsEndpoint } from './stepfunctions/endpoint.ts';
import { LocalStepFunctions, type LocalStepFunctionsOptions } from './stepfunctions/service.ts';
import { synthesizeCached } from './synth.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
/** The jurisdiction whose demo survey wave `npm start` opens (its demo admin can close it and open others). */
export const DEMO_SURVEY_JURISDICTION = 'ky-dcbs';
export const JURISDICTION_SEED = path.join(PROJECT_ROOT, 'seed', 'jurisdictions.json');

export interface StandInPorts {
  dynamodb: number;
  s3: number;
  smtp: number;
  mailWeb: number;
  stepFunctions: number;
  oidc: number;
  /** SMTP of the SES receiving stand-in (replies to review emails). */
  inboundSmtp: number;
}

export interface LocalCloudOptions {
  /** HTTP port of the app (0 = any free port). */
  port: number;
  host?: string;
  /** Where stand-ins keep data across restarts; omitted = in memory / temp, gone on stop (tests). */
  dataDir?: string;
  /** Stand-in ports; omitted ones get free ports. */
  ports?: Partial<StandInPorts>;
  /** A cloud assembly synthesized already (tests synthesize once per run); omitted = synthesize now. */
  assemblyDir?: string;
  /** Seed the registry from seed/jurisdictions.json. @default true */
  seed?: boolean;
  /** Where function logs go. @default process.stdout */
  logSink?: Writable;
  /** Shorten Step Functions retry intervals to this many ms (tests). */
  retryIntervalMs?: number;
  /**
   * Divide the durations of the state machines (Wait states, task and heartbeat timeouts, execution timeouts) by this
   * factor, or by a factor per workflow id; the definitions stay as synthesized. `npm start` takes one factor from
   * LOCAL_TIME_SCALE. @default 1
   */
  timeScale?: LocalStepFunctionsOptions['timeScale'];
  /** Arm the schedules. @default true */
  schedules?: boolean;
  log?: (line: string) => void;
  /**
   * DynamoDB Local started already on `ports.dynamodb` with `dataDir` (npm start spawns the JVM before it loads the
   * rest of the local cloud: the JVM is the slowest stand-in to answer). Stopped with the cloud.
   */
  dynamodb?: Promise<DynamoDbStandIn>;
  /**
   * Fault injection (tests; `npm start` takes LOCAL_FAULTS): `rate:0.2,seed:42[,kinds:...][,timeoutMs:...]` fails that
   * share of the functions' SDK calls and of their SMTP connections (local/faults/). Off when omitted.
   */
  faults?: string;
}

export interface LocalCloud {
  url: string;
  assembly: LocalAssembly;
  /** Whether the cloud assembly of an earlier start was reused (inputs unchanged); undefined when one was given. */
  assemblyReused: boolean | undefined;
  endpoints: { dynamodb: string; s3: string; smtp: string; mailInbox: string; stepFunctions: string; oidcIssuer: string; inboundSmtp: string };
  /** The mail stand-in: tests take it down and up again (`pause`, `resume`) to see what a mail outage does. */
  mail: Pick<MailStandIn, 'pause' | 'resume'>;
  /** Child processes started (DynamoDB Local's JVM); all end with stop(). */
  childPids: number[];
  /** The demo users of the local identity provider (seed/users.json). */
  demoUsers: DemoUser[];
  /** The path of the seeded open survey wave (anonymous link), when demo data was seeded. */
  demoSurveyPath: string | undefined;
  /** Environment that the functions get on top of the template's: the stand-in endpoints. */
  localEnv: Record<string, string>;
  /** A document client of the local table (the functions' marshalling), for local seeding. */
  storage: DynamoDBDocumentClient;
  /** The template's table. */
  tableName: string;
  lambdas: LambdaRuntime;
  /** IAM for DynamoDB, locally: denials and counts (local/standins/iam-gate.ts). */
  iamGate: IamGate;
  http: LocalHttpApi;
  stepFunctions: LocalStepFunctions;
  scheduler: LocalScheduler;
  /** Stream batches given up after their retries (local/streams.ts), one JSON line each: the local dead-letter queues. */
  streamDeadLettersFile: string;
  /** SES receiving: the template's receipt rules behind an SMTP server (local/standins/inbound-mail.ts). */
  inboundMail: LocalInboundMail;
  /** The functions' SDK calls and SMTP connections, and the faults injected into them (empty when faults are off). */
  faults: FaultTally;
  stop: () => Promise<void>;
}

/**
 * Starts the platform on this machine: synthesizes (or reads) the cloud assembly, starts DynamoDB Local, the S3
 * emulator, the mail inbox and local Step Functions, creates the template's tables and buckets, seeds demo data,
 * and serves the template's routes with the deployed bundles. Everything started is stopped by `stop()`.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  // Free ports are found by asking the OS, then bound a moment later: another process (a parallel test file) can take
  // one in between. When every port was chosen here, a start that lost that race is tried again with new ports.
  const choosesPorts = !options.port && !options.ports;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      if (!choosesPorts || attempt >= 3 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      options.log?.(`a port was taken while starting (${(e as Error).message}); starting again on other ports`);
    }
  }
}

async function startOnce(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };

  try {
    const ports: StandInPorts = {
      dynamodb: options.ports?.dynamodb ?? (await freePort()),
      // 0: the stand-in binds a port the OS picks and reports it (its endpoint), which no other process can take first.
      s3: options.ports?.s3 ?? 0,
      smtp: options.ports?.smtp ?? 0,
      mailWeb: options.ports?.mailWeb ?? 0,
      stepFunctions: options.ports?.stepFunctions ?? (await freePort()),
      oidc: options.ports?.oidc ?? (await freePort()),
      inboundSmtp: options.ports?.inboundSmtp ?? (await freePort()),
    };
    // The app's origin must be known before the functions start: sign-in redirects and cookies depend on it.
    const appPort = options.port || (await freePort());
    const appOrigin = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${appPort}`;
    const dataPath = (name: string) => (options.dataDir ? path.join(options.dataDir, name) : undefined);

    // DynamoDB Local (a JVM) starts while the CDK app synthesizes: the two slowest steps overlap.
    const dynamoStarting = options.dynamodb ?? startDynamoDb(ports.dynamodb, dataPath('dynamodb'));
    // If anything below fails, the JVM may still be starting: stop it once it is up, so no process is left behind.
    stops.push(async () => (await dynamoStarting.catch(() => undefined))?.stop());
    let assemblyDir = options.assemblyDir;
    let assemblyReused: boolean | undefined;
    if (!assemblyDir) {
      const started = Date.now();
      const synthesized = await synthesizeCached(path.join(options.dataDir ?? path.join(PROJECT_ROOT, '.local'), 'cdk.out'));
      assemblyDir = synthesized.dir;
      assemblyReused = synthesized.reused;
      log(
        assemblyReused
          ? `reused the synthesized cloud assembly: none of its inputs changed (checked in ${((Date.now() - started) / 1000).toFixed(1)} s)`
          : `synthesized the CDK app in ${((Date.now() - started) / 1000).toFixed(1)} s (no assembly of these inputs yet)`,
      );
    }
    const assembly = readAssembly(assemblyDir);

    // allSettled, not all: when one stand-in fails to start, the others that did start are still stopped.
    // These stand-ins' libraries load here, while the JVM starts (MailDev alone takes 1.5 s to import).
    const settled = await Promise.allSettled([
      import('./standins/s3.ts').then(({ startS3 }) => startS3(ports.s3, assembly.buckets.map((b) => b.name), dataPath('s3'))),
      import('./standins/mail.ts').then(({ startMail }) => startMail(ports.smtp, ports.mailWeb, dataPath('mail'))),
      import('./oidc/provider.ts').then(({ startLocalOidcProvider }) =>
        startLocalOidcProvider({ port: ports.oidc, redirectUris: [`${appOrigin}/auth/callback`], postLogoutRedirectUris: [`${appOrigin}/`] }),
      ),
    ]);
    for (const r of settled) if (r.status === 'fulfilled') stops.push(r.value.stop);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [s3, mail, oidc] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
      Awaited<ReturnType<typeof import('./standins/s3.ts').startS3>>,
      Awaited<ReturnType<typeof import('./standins/mail.ts').startMail>>,
      Awaited<ReturnType<typeof import('./oidc/provider.ts').startLocalOidcProvider>>,
    ];
    const dynamo = await dynamoStarting;
    await ensureTables(dynamo.client, assembly.tables);
    // Parsed before anything runs: a malformed setting stops the start instead of running without faults.
    const faultSpec = options.faults === undefined ? undefined : parseFaultSpec(options.faults);
    const faultTally = new FaultTally();
    let smtpUrl = mail.smtpUrl;
    if (faultSpec) {
      const proxy = await startSmtpFaultProxy(new URL(mail.smtpUrl), faultSpec, (e) => faultTally.add(e));
      stops.push(proxy.stop);
      smtpUrl = proxy.url;
    }

    const localEnv: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      // The key pair s3rver accepts; DynamoDB Local (shared db) and local Step Functions accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${ports.stepFunctions}`,
      // s3rver predates S3's default checksums.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      SMTP_URL: smtpUrl,
      // Sign-in goes to the embedded OpenID provider instead of Cognito, with the same client code.
      APP_ORIGIN: appOrigin,
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: oidc.clientId,
      OIDC_LOGOUT_ENDPOINT: '',
      // No Secrets Manager locally: secrets come in the environment (shared/secrets.ts), fresh on every start.
      CURSOR_SECRET: randomBytes(48).toString('base64url'),
      CSRF_SECRET: randomBytes(48).toString('base64url'),
      // The origin proof's key secret, as Secrets Manager holds it (shared/http/origin.ts).
      ORIGIN_SECRET: JSON.stringify({ current: randomBytes(36).toString('base64url') }),
      // Kept with the data: the personal survey links emailed before a restart must still work after it.
      SURVEY_INVITE_SECRET: persistentSecret(options.dataDir, 'survey-invite-secret'),
      // Read by the local worker thread only (local/lambda/worker.ts), never by a bundle.
      ...(faultSpec ? { LOCAL_FAULTS: formatFaultSpec(faultSpec) } : {}),
    };
    // IAM for DynamoDB (local/standins/iam-gate.ts): STS for per-jurisdiction credentials, and every DynamoDB request
    // of every function authorized with the template's policies (its role's, and a session's) on its way to DynamoDB Local.
    const iamGate = await startIamGate({ dynamodbEndpoint: dynamo.endpoint, roles: assembly.roles, functions: assembly.functions, tables: assembly.tables, log });
    stops.push(() => iamGate.stop());
    const lambdas = new LambdaRuntime(assembly.functions, localEnv, options.logSink, faultTally, (fn) => ({
      AWS_ENDPOINT_URL_DYNAMODB: iamGate.dynamodbEndpoint(fn.id),
      AWS_ENDPOINT_URL_STS: iamGate.stsEndpoint(fn.id),
    }));
    stops.push(() => lambdas.stop());
    const stepFunctions = new LocalStepFunctions(assembly.stateMachines, lambdas, {
      retryIntervalMs: options.retryIntervalMs,
      timeScale: options.timeScale,
      // The alarm topic's e-mail, locally: a log line (the alert names ids only).
      onPublish: (m) => log(`alarm topic: ${m.subject ?? ''} ${m.message}`),
    });
    // stop() runs in reverse: after the endpoint and the scheduler, before the functions, running executions end,
    // so no waiting task's timer outlives the cloud.
    stops.push(async () => stepFunctions.stopAll());
    const sfnServer = await startStepFunctionsEndpoint(stepFunctions, ports.stepFunctions);
    stops.push(() => closeServer(sfnServer));
    // The template's stream triggers (a new submission starts its review), from the stream's end on.
    // Given-up batches: kept with the data (npm start), or in a temp directory removed on stop (tests).
    const deadLettersDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'npcs-stream-dead-letters-'));
    if (!options.dataDir) stops.push(async () => rmSync(deadLettersDir, { recursive: true, force: true }));
    const streamTriggers = new LocalStreamTriggers(assembly.streamTriggers, dynamo.client, dynamo.endpoint, lambdas, log, path.join(deadLettersDir, 'stream-dead-letters.jsonl'));
    await streamTriggers.start();
    stops.push(() => streamTriggers.stop());
    // The template's SES receipt rules: replies arrive by SMTP, are stored in the inbound bucket, invoke the function.
    const inboundMail = new LocalInboundMail({ port: ports.inboundSmtp, rules: assembly.receiptRules, lambdas, s3Endpoint: s3.endpoint, log });
    await inboundMail.start();
    stops.push(() => inboundMail.stop());
    const scheduler = new LocalScheduler(assembly.schedules, stepFunctions, log);
    if (options.schedules !== false) scheduler.start();
    stops.push(async () => scheduler.stop());

    let demoSurveyPath: string | undefined;
    if (options.seed !== false) {
      const table = assembly.tables[0];
      if (!table) throw new Error('The template declares no table to seed');
      const store = new JurisdictionStore(table.name, DynamoDBDocumentClient.from(dynamo.client));
      const seeded = await seedJurisdictions(store, JURISDICTION_SEED);
      log(`jurisdictions registry: ${seeded.added} added, ${seeded.existing} already there`);
      demoSurveyPath = await seedDemoSurveyWave(storageClient(dynamo.client), table.name, DEMO_SURVEY_JURISDICTION);
    }

    // Executions are in memory: the reviews that waited when the last run stopped get one again, at their wait,
    // before the app answers anyone (local/review-resume.ts).
    if (options.dataDir && assembly.tables[0]) {
      const resumed = await resumeReviews({ client: storageClient(dynamo.client), tableName: assembly.tables[0].name, stepFunctions, log });
      if (resumed.resumed || resumed.skipped) log(`reviews waiting since the last run: ${resumed.resumed} resumed at their wait, ${resumed.skipped} not resumed`);
    }

    // The gateway adds the origin proof as CloudFront's edge function does, with the same code (shared/http/origin.ts).
    const originKeys = parseOriginKeys(localEnv.ORIGIN_SECRET!);
    const http = new LocalHttpApi(assembly.routes, lambdas, () => {
      const now = new Date();
      return { [ORIGIN_HEADER]: originProof(originKeys.current, now) };
    });
    // CloudFront's /assets/* behavior: the BucketDeployment's files, straight from the assembly.
    const staticAssets = new LocalStaticAssets(assembly.bucketDeployments.filter((d) => d.prefix.replace(/^\/+/, '').startsWith('assets/')));
    const server = createServer((req, res) => {
      if (staticAssets.handle(req, res)) {
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        http.handle(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
          process.stderr.write(`[local api] ${(e as Error).stack ?? String(e)}\n`);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Internal Server Error' }));
        });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(appPort, host, resolve);
    });
    stops.push(() => closeServer(server));
    return {
      url: appOrigin,
      childPids: [dynamo.pid],
      demoUsers: oidc.users,
      demoSurveyPath,
      assembly,
      assemblyReused,
      mail: { pause: mail.pause, resume: mail.resume },
      endpoints: { dynamodb: dynamo.endpoint, s3: s3.endpoint, smtp: mail.smtpUrl, mailInbox: mail.inboxUrl, stepFunctions: localEnv.AWS_ENDPOINT_URL_SFN!, oidcIssuer: oidc.issuer, inboundSmtp: inboundMail.url },
      localEnv,
      storage: storageClient(dynamo.client),
      tableName: assembly.tables[0]?.name ?? '',
      lambdas,
      iamGate,
      http,
      stepFunctions,
      scheduler,
      streamDeadLettersFile: streamTriggers.deadLettersFile,
      inboundMail,
      faults: faultTally,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** A document client with the table's marshalling, as the functions' (shared/aws/document-client.ts). */
export function storageClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS });
}

/**
 * A secret of the local runtime that must outlive a restart (data stays in `dataDir`, so must the key that reads
 * it): read from `<dataDir>/<name>`, made on the first start. Without a data dir (tests), fresh each time.
 */
function persistentSecret(dataDir: string | undefined, name: string): string {
  if (!dataDir) return randomBytes(48).toString('base64url');
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(48).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
