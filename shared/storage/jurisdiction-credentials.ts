/**
 * Per-jurisdiction credentials (docs/records.md, "Credentials confined to one jurisdiction"): a function that serves
 * one jurisdiction's records reaches its items only with an STS AssumeRole of the data-access role whose session policy
 * (shared/storage/session-policy.ts) confines the session to that jurisdiction's keys. Its own role cannot read a
 * record at all, so a bug that builds the wrong key, or code that is not ours, still gets AccessDenied from IAM.
 *
 * - The request must reach the jurisdiction (shared/storage/acting-scope.ts): otherwise the command is refused with
 *   403 before STS is called.
 * - Credentials are cached per jurisdiction and access for their lifetime (refreshed five minutes before they
 *   expire); concurrent first requests share one AssumeRole.
 * - Each jurisdiction's client shares the base client's connection pool, so a new credential costs the STS round trip
 *   and nothing more.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AssumeRoleCommandInput, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { requiredEnv } from '#shared/config.ts';
import { ForbiddenError } from '#shared/errors.ts';
import { accessFor } from './acting-scope.ts';
import { routeByJurisdiction } from './client-routing.ts';
import { jurisdictionIdSchema } from './keys.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from './marshalling.ts';
import { jurisdictionSessionPolicy, type PolicyAccess } from './session-policy.ts';

/** What the function is bound to (infra: PlatformFunction.bindJurisdictionData). */
export interface DataAccessConfig {
  roleArn: string;
  tableArn: string;
}

export function dataAccessFromEnv(): DataAccessConfig {
  return { roleArn: requiredEnv('DATA_ACCESS_ROLE_ARN'), tableArn: requiredEnv('TABLE_ARN') };
}

/** The longest session the data-access role allows (its MaxSessionDuration, infra), in seconds. */
export const SESSION_SECONDS = 3600;
const REFRESH_MARGIN_MS = 5 * 60_000;

export class CredentialRefusedError extends ForbiddenError {
  constructor(jurisdictionId: string) {
    super(`Your sign-in does not reach the data of jurisdiction "${jurisdictionId}".`);
  }
}

interface Cached {
  credentials: Promise<AwsCredentialIdentity>;
  /** ms since the epoch; Infinity while the request is in flight. */
  expiresAt: number;
}

export interface CredentialStats {
  assumed: number;
  cached: number;
  refused: number;
}

export type AssumeRole = (input: AssumeRoleCommandInput) => Promise<AssumeRoleCommandOutput>;

/** STS, loaded on the first AssumeRole: a cold start that serves no jurisdiction's record does not pay for it. */
function stsAssumeRole(): AssumeRole {
  let sts: Promise<{ client: import('@aws-sdk/client-sts').STSClient; Command: typeof import('@aws-sdk/client-sts').AssumeRoleCommand }> | undefined;
  return async (input) => {
    sts ??= import('@aws-sdk/client-sts').then((sdk) => ({ client: new sdk.STSClient({}), Command: sdk.AssumeRoleCommand }));
    const { client, Command } = await sts;
    return client.send(new Command(input));
  };
}

export class JurisdictionCredentials {
  private readonly cache = new Map<string, Cached>();
  readonly stats: CredentialStats = { assumed: 0, cached: 0, refused: 0 };

  constructor(
    private readonly config: DataAccessConfig,
    private readonly assumeRole: AssumeRole = stsAssumeRole(),
    private readonly now: () => number = Date.now,
  ) {}

  /** The access this request has in the jurisdiction; throws CredentialRefusedError, before any STS call, when none. */
  accessFor(jurisdictionId: string): PolicyAccess {
    const access = jurisdictionIdSchema.safeParse(jurisdictionId).success ? accessFor(jurisdictionId) : undefined;
    if (!access) {
      this.stats.refused += 1;
      throw new CredentialRefusedError(jurisdictionId);
    }
    return access;
  }

  /** Credentials of the data-access role confined to the jurisdiction, from the cache while they are fresh. */
  credentials(jurisdictionId: string, access: PolicyAccess): Promise<AwsCredentialIdentity> {
    const name = `${access}-${jurisdictionId}`;
    const hit = this.cache.get(name);
    if (hit && hit.expiresAt - REFRESH_MARGIN_MS > this.now()) {
      this.stats.cached += 1;
      return hit.credentials;
    }
    this.stats.assumed += 1;
    const entry: Cached = { credentials: this.assume(jurisdictionId, access, name), expiresAt: Number.POSITIVE_INFINITY };
    this.cache.set(name, entry);
    entry.credentials.then(
      (c) => (entry.expiresAt = c.expiration?.getTime() ?? this.now()),
      () => this.cache.delete(name),
    );
    return entry.credentials;
  }

  private async assume(jurisdictionId: string, access: PolicyAccess, sessionName: string): Promise<AwsCredentialIdentity> {
    const out = await this.assumeRole({
      RoleArn: this.config.roleArn,
      RoleSessionName: sessionName,
      Policy: JSON.stringify(jurisdictionSessionPolicy({ tableArn: this.config.tableArn, jurisdictionId, access })),
      DurationSeconds: SESSION_SECONDS,
    });
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('STS AssumeRole returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  }
}

/**
 * Confines every jurisdiction handle built on `base` (shared/storage/scoped-table.ts) to per-jurisdiction credentials.
 * What the base client sends itself (sessions, gsi1 listings, partnership items) keeps the function's own role.
 */
export function confineToJurisdictions(base: DynamoDBDocumentClient, credentials: JurisdictionCredentials): void {
  const clients = new Map<string, DynamoDBDocumentClient>();
  routeByJurisdiction(base, (jurisdictionId) => {
    const access = credentials.accessFor(jurisdictionId);
    const name = `${access}-${jurisdictionId}`;
    let client = clients.get(name);
    if (!client) {
      const low = new DynamoDBClient({
        // The base client's region, endpoint and connection pool: a jurisdiction's first command opens no new connection.
        region: base.config.region,
        ...(base.config.isCustomEndpoint && base.config.endpoint ? { endpoint: base.config.endpoint } : {}),
        requestHandler: base.config.requestHandler,
        credentials: () => credentials.credentials(jurisdictionId, access),
      });
      client = DynamoDBDocumentClient.from(low, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS });
      clients.set(name, client);
    }
    return client;
  });
}

/** The function's module-scope set-up: its document client's jurisdiction handles use confined credentials from now on. */
export function confineFromEnv(base: DynamoDBDocumentClient): JurisdictionCredentials {
  const credentials = new JurisdictionCredentials(dataAccessFromEnv());
  confineToJurisdictions(base, credentials);
  return credentials;
}
