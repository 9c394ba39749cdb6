import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { registryActiveCheck } from './active-jurisdiction.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { optionalEnv, requiredEnv } from '#shared/config.ts';
import { SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES } from '#shared/policy.ts';
import { keys } from '#shared/storage/keys.ts';
import { SESSION_COOKIE, cookieName, hashOpaqueId, isLocalHttpOrigin, isOpaqueId, newOpaqueId, originOf, readCookie, serializeCookie } from './cookies.ts';
import { principalSchema, type Principal } from './principal.ts';

/**
 * Server-side sessions. The browser holds a random 256-bit id in an HttpOnly cookie; the table holds only the
 * SHA-256 of that id (under its own `SESSION#` prefix: sessions are not jurisdiction-owned), so neither a table
 * read nor a backup yields a usable cookie. A session ends at the first of: idle expiry (sliding), absolute expiry,
 * sign-out. DynamoDB's TTL (`expiresAt`, the absolute expiry) removes leftovers; reads check the times themselves
 * because TTL deletion can lag by days.
 */

export { SESSION_COOKIE };

/** The idle clock is written at most this often, so a busy page does not cost a write per request. */
export const TOUCH_INTERVAL_MS = 60_000;

export interface SessionConfig {
  /** Sliding idle expiry. @default 30 */
  idleMinutes: number;
  /** Hard limit from sign-in. @default 12 */
  absoluteHours: number;
  /** Secure + `__Host-` cookie; false only for http://localhost development. */
  secureCookies: boolean;
}

export interface SessionStoreOptions extends Partial<SessionConfig> {
  client?: DynamoDBDocumentClient;
  /** Milliseconds since the epoch; tests move it. @default Date.now */
  clock?: () => number;
  /**
   * Whether the principal's jurisdiction is still active; a session of an inactive one ends on its next use.
   * fromEnv() checks the registry (cached a minute per container). @default every jurisdiction counts as active
   */
  jurisdictionActive?: (jurisdictionId: string) => Promise<boolean>;
}

/** What the app (and the web UI's timeout warning) may know about a session; never its id. */
export interface SessionInfo {
  createdAt: string;
  lastSeenAt: string;
  /** When the session ends if nothing happens before: min(idle expiry, absolute expiry). */
  expiresAt: string;
  absoluteExpiresAt: string;
  /** Seconds until `expiresAt`, for the "you will be signed out" warning. */
  secondsLeft: number;
  idleTimeoutSeconds: number;
}

export interface ReadSessionOptions {
  /** Slide the idle expiry. Off for the timeout-warning poll, which must not keep an idle session alive. @default true */
  touch?: boolean;
}

const itemSchema = z.lazy(() => z.object({
  principal: principalSchema,
  createdAtMs: z.number().check(z.int()),
  lastSeenAtMs: z.number().check(z.int()),
  absoluteExpiresAtMs: z.number().check(z.int()),
}));

const positive = (name: string, fallback: number): number => {
  const raw = optionalEnv(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
};

/** Session settings from the environment: APP_ORIGIN (cookie security), SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS. */
export function sessionConfigFromEnv(): SessionConfig {
  return {
    idleMinutes: positive('SESSION_IDLE_MINUTES', SESSION_IDLE_MINUTES),
    absoluteHours: positive('SESSION_ABSOLUTE_HOURS', SESSION_ABSOLUTE_HOURS),
    secureCookies: !isLocalHttpOrigin(originOf(requiredEnv('APP_ORIGIN'))),
  };
}

export class SessionStore {
  readonly config: SessionConfig;
  readonly cookieName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly jurisdictionActive: SessionStoreOptions['jurisdictionActive'];
  private readonly now: () => number;

  constructor(
    private readonly tableName: string,
    options: SessionStoreOptions = {},
  ) {
    this.config = {
      idleMinutes: options.idleMinutes ?? SESSION_IDLE_MINUTES,
      absoluteHours: options.absoluteHours ?? SESSION_ABSOLUTE_HOURS,
      secureCookies: options.secureCookies ?? true,
    };
    if (this.config.idleMinutes <= 0 || this.config.absoluteHours <= 0) throw new Error('Session expiries must be positive');
    this.client = options.client ?? documentClient;
    this.now = options.clock ?? Date.now;
    this.jurisdictionActive = options.jurisdictionActive;
    this.cookieName = cookieName(SESSION_COOKIE, this.config.secureCookies);
  }

  /** TABLE_NAME plus sessionConfigFromEnv(). */
  static fromEnv(options: Omit<SessionStoreOptions, keyof SessionConfig> = {}): SessionStore {
    const tableName = requiredEnv('TABLE_NAME');
    return new SessionStore(tableName, { jurisdictionActive: registryActiveCheck(tableName), ...sessionConfigFromEnv(), ...options });
  }

  private async stillMember(principal: Principal): Promise<boolean> {
    return principal.jurisdictionId === undefined || this.jurisdictionActive === undefined || this.jurisdictionActive(principal.jurisdictionId);
  }

  private get idleMs(): number {
    return this.config.idleMinutes * 60_000;
  }

  private get absoluteMs(): number {
    return this.config.absoluteHours * 3_600_000;
  }

  /** Starts a session for a freshly signed-in principal: a new id every time, so no id survives a sign-in. */
  async createSession(principal: Principal): Promise<{ setCookie: string; session: SessionInfo }> {
    const valid = principalSchema.parse(principal);
    const id = newOpaqueId();
    const now = this.now();
    const absoluteExpiresAtMs = now + this.absoluteMs;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.session(hashOpaqueId(id)),
          kind: 'session',
          principal: valid,
          createdAtMs: now,
          lastSeenAtMs: now,
          absoluteExpiresAtMs,
          expiresAt: Math.ceil(absoluteExpiresAtMs / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return {
      setCookie: serializeCookie(this.cookieName, id, { secure: this.config.secureCookies, maxAgeSeconds: this.absoluteMs / 1000 }),
      session: this.info(now, now, absoluteExpiresAtMs, now),
    };
  }

  /**
   * The principal of the session the cookie names, or undefined when there is no such cookie, it is not well-formed,
   * the session is unknown, ended, or expired (idle or absolute).
   */
  async readSession(cookies: string | readonly string[] | undefined | null, options: ReadSessionOptions = {}): Promise<{ principal: Principal; session: SessionInfo } | undefined> {
    const id = readCookie(cookies, this.cookieName);
    if (!isOpaqueId(id)) return undefined;
    const key = keys.session(hashOpaqueId(id));
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const item = itemSchema.safeParse(out.Item);
    const now = this.now();
    if (!item.success || this.expired(item.data, now) || !(await this.stillMember(item.data.principal))) {
      // Expired, unreadable, or its jurisdiction left the partnership: remove it now rather than wait for TTL.
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key })).catch(() => undefined);
      return undefined;
    }
    let lastSeenAtMs = item.data.lastSeenAtMs;
    if (options.touch !== false && now - lastSeenAtMs >= TOUCH_INTERVAL_MS) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET lastSeenAtMs = :now',
            // Ended meanwhile (sign-out on another tab): the session stays ended.
            ConditionExpression: 'attribute_exists(pk) AND lastSeenAtMs < :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        lastSeenAtMs = now;
      } catch (e) {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
        const again = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
        if (!again.Item) return undefined;
      }
    }
    return { principal: item.data.principal, session: this.info(item.data.createdAtMs, lastSeenAtMs, item.data.absoluteExpiresAtMs, now) };
  }

  /** Ends the session server-side (whatever state it is in) and returns the Set-Cookie value that clears the cookie. */
  async endSession(cookies: string | readonly string[] | undefined | null): Promise<{ setCookie: string; ended: boolean }> {
    const id = readCookie(cookies, this.cookieName);
    let ended = false;
    if (isOpaqueId(id)) {
      const out = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.session(hashOpaqueId(id)), ReturnValues: 'ALL_OLD' }));
      ended = out.Attributes !== undefined;
    }
    return { setCookie: this.clearCookie(), ended };
  }

  /** A Set-Cookie value that removes the session cookie from the browser. */
  clearCookie(): string {
    return serializeCookie(this.cookieName, '', { secure: this.config.secureCookies, maxAgeSeconds: 0 });
  }

  private expired(item: z.infer<typeof itemSchema>, now: number): boolean {
    return now >= item.absoluteExpiresAtMs || now - item.lastSeenAtMs >= this.idleMs;
  }

  private info(createdAtMs: number, lastSeenAtMs: number, absoluteExpiresAtMs: number, now: number): SessionInfo {
    const expiresAtMs = Math.min(lastSeenAtMs + this.idleMs, absoluteExpiresAtMs);
    return {
      createdAt: new Date(createdAtMs).toISOString(),
      lastSeenAt: new Date(lastSeenAtMs).toISOString(),
      expiresAt: new Date(expiresAtMs).toISOString(),
      absoluteExpiresAt: new Date(absoluteExpiresAtMs).toISOString(),
      secondsLeft: Math.max(0, Math.floor((expiresAtMs - now) / 1000)),
      idleTimeoutSeconds: Math.round(this.idleMs / 1000),
    };
  }
}
