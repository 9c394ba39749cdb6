import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { keys } from '#shared/storage/keys.ts';
import { cookieName, hashOpaqueId, isOpaqueId, newOpaqueId, readCookie, serializeCookie } from './cookies.ts';

/**
 * The state of one sign-in between the redirect to the identity provider and its return: state, nonce, PKCE
 * verifier and where to go afterwards. It is kept server-side, keyed by the hash of a random id that a short-lived
 * cookie carries: the verifier never reaches the browser, no encryption key has to be provisioned and rotated, and
 * each transaction can be used once only (taking it deletes it).
 */

export const TRANSACTION_COOKIE = 'npcs_signin';
/** Long enough to type a password and an MFA code, short enough that a stale tab cannot finish a sign-in. */
export const TRANSACTION_TTL_SECONDS = 10 * 60;

export interface SignInTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** A same-origin path, checked by safeReturnTo before it was stored. */
  returnTo: string;
}

const itemSchema = z.object({
  state: z.string().check(z.minLength(1)),
  nonce: z.string().check(z.minLength(1)),
  codeVerifier: z.string().check(z.minLength(43), z.maxLength(128)),
  returnTo: z.string().check(z.startsWith('/')),
  createdAtMs: z.number().check(z.int()),
});

export class SignInTransactionStore {
  readonly cookieName: string;

  constructor(
    private readonly tableName: string,
    private readonly options: { secureCookies: boolean; client?: DynamoDBDocumentClient; clock?: () => number },
  ) {
    this.cookieName = cookieName(TRANSACTION_COOKIE, options.secureCookies);
  }

  private get client(): DynamoDBDocumentClient {
    return this.options.client ?? documentClient;
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Stores the transaction; returns the Set-Cookie value that carries its id. */
  async put(transaction: SignInTransaction): Promise<string> {
    const id = newOpaqueId();
    const now = this.now();
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.signIn(hashOpaqueId(id)), kind: 'signin', ...transaction, createdAtMs: now, expiresAt: Math.ceil(now / 1000) + TRANSACTION_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return serializeCookie(this.cookieName, id, { secure: this.options.secureCookies, maxAgeSeconds: TRANSACTION_TTL_SECONDS });
  }

  /** The transaction the cookie names, deleted in the same step (single use); undefined if unknown, used or expired. */
  async take(cookies: string | readonly string[] | undefined | null): Promise<SignInTransaction | undefined> {
    const id = readCookie(cookies, this.cookieName);
    if (!isOpaqueId(id)) return undefined;
    const out = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.signIn(hashOpaqueId(id)), ReturnValues: 'ALL_OLD' }));
    const item = itemSchema.safeParse(out.Attributes);
    if (!item.success || this.now() - item.data.createdAtMs > TRANSACTION_TTL_SECONDS * 1000) return undefined;
    const { createdAtMs: _created, ...transaction } = item.data;
    return transaction;
  }

  clearCookie(): string {
    return serializeCookie(this.cookieName, '', { secure: this.options.secureCookies, maxAgeSeconds: 0 });
  }
}
