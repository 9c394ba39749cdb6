import type * as Client from 'openid-client';
import { optionalEnv, requiredEnv } from '#shared/config.ts';
import { ServiceUnavailableError, UnauthorizedError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { isLocalHttpOrigin, originOf } from './cookies.ts';
import { principalFromClaims, type Principal } from './principal.ts';
import { safeReturnTo } from './return-to.ts';
import { SignInTransactionStore } from './transactions.ts';

/**
 * Sign-in with OpenID Connect: authorization code flow with PKCE (S256), state and nonce, through openid-client.
 * The same code runs against Cognito in AWS and the embedded oidc-provider locally; only the issuer differs.
 * openid-client checks the ID token's issuer, audience, nonce, expiry and (with non-repudiation checks on) its
 * signature against the issuer's JWKS.
 */

export interface OidcSettings {
  /** Issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** Omitted for a public client (PKCE protects the code exchange). */
  clientSecret?: string;
  /** The app's callback, registered with the provider. */
  redirectUri: string;
  /** Where the provider sends the browser after signing out there. */
  postLogoutRedirectUri: string;
  /**
   * The provider's sign-out endpoint when discovery does not announce one: Cognito has none in its metadata and
   * signs out at `https://<managed-login-domain>/logout?client_id=...&logout_uri=...`.
   */
  logoutEndpoint?: string;
  /** Origin of the web app: returnTo must stay on it. */
  appOrigin: string;
  /** @default 'openid email profile' */
  scope?: string;
}

/**
 * OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET (optional), APP_ORIGIN, OIDC_REDIRECT_URI (default
 * `<APP_ORIGIN>/auth/callback`), OIDC_POST_LOGOUT_REDIRECT_URI (default `<APP_ORIGIN>/`), OIDC_LOGOUT_ENDPOINT (optional).
 */
export function oidcSettingsFromEnv(): OidcSettings {
  const appOrigin = originOf(requiredEnv('APP_ORIGIN'));
  return {
    issuer: requiredEnv('OIDC_ISSUER'),
    clientId: requiredEnv('OIDC_CLIENT_ID'),
    clientSecret: optionalEnv('OIDC_CLIENT_SECRET'),
    redirectUri: optionalEnv('OIDC_REDIRECT_URI') ?? `${appOrigin}/auth/callback`,
    postLogoutRedirectUri: optionalEnv('OIDC_POST_LOGOUT_REDIRECT_URI') ?? `${appOrigin}/`,
    logoutEndpoint: optionalEnv('OIDC_LOGOUT_ENDPOINT'),
    appOrigin,
  };
}

export interface OidcClientOptions {
  transactions: SignInTransactionStore;
  /** Checks the jurisdiction of a jurisdiction role against the registry (unknown or inactive → refused). */
  acceptJurisdiction?: (jurisdictionId: string) => Promise<boolean>;
  /** Replaces fetch for every request to the provider (tests). */
  fetch?: typeof fetch;
  /** Seconds per request to the provider. @default 5 */
  timeoutSeconds?: number;
}

// Loaded on the first sign-in, not at cold start: the session routes of the auth function, which the pages' timeout
// warning polls, never need it (with oauth4webapi it is a fifth of the bundle).
const openidClient = () => import('openid-client');

export class OidcClient {
  private configuration?: Promise<Client.Configuration>;

  constructor(
    readonly settings: OidcSettings,
    private readonly options: OidcClientOptions,
  ) {
    originOf(settings.redirectUri);
    originOf(settings.appOrigin);
  }

  /** Discovery, once per container; a failure is not cached, so the next request tries again. */
  private discover(): Promise<Client.Configuration> {
    this.configuration ??= (async () => {
      const client = await openidClient();
      const issuer = new URL(this.settings.issuer);
      const execute: ((c: Client.Configuration) => void)[] = [client.enableNonRepudiationChecks];
      // Plain http only for a provider on this machine (the local one); everything else must be https.
      if (isLocalHttpOrigin(issuer.origin)) execute.push(client.allowInsecureRequests);
      const auth = this.settings.clientSecret ? client.ClientSecretBasic(this.settings.clientSecret) : client.None();
      const discoveryOptions: Client.DiscoveryRequestOptions = { execute, timeout: this.options.timeoutSeconds ?? 5 };
      if (this.options.fetch) discoveryOptions[client.customFetch] = this.options.fetch as Client.CustomFetch;
      return client.discovery(issuer, this.settings.clientId, undefined, auth, discoveryOptions);
    })().catch((e: unknown) => {
      this.configuration = undefined;
      logger.error('OpenID provider discovery failed', { errorName: (e as Error).name, errorCode: (e as { code?: string }).code });
      throw new ServiceUnavailableError('Sign-in is not available right now. Please try again in a minute.', { cause: e });
    });
    return this.configuration;
  }

  /**
   * Starts a sign-in: stores state, nonce, PKCE verifier and a same-origin returnTo server-side, and returns the
   * provider's authorization URL plus the Set-Cookie value of the short-lived transaction cookie.
   */
  async beginSignIn(returnTo?: unknown): Promise<{ authorizationUrl: string; transactionCookie: string }> {
    const config = await this.discover();
    const client = await openidClient();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const transactionCookie = await this.options.transactions.put({ state, nonce, codeVerifier, returnTo: safeReturnTo(returnTo, this.settings.appOrigin) });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope ?? 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { authorizationUrl: url.href, transactionCookie };
  }

  /**
   * Finishes a sign-in at the callback: takes (and so uses up) the transaction the cookie names, exchanges the code
   * with the PKCE verifier, verifies the ID token and maps its claims to a principal.
   * @param callbackUrl the redirect URI with the query the provider added (build it from the configured
   *   redirect URI, never from the Host header)
   * @throws UnauthorizedError for anything wrong with the sign-in; ServiceUnavailableError when the provider is unreachable
   */
  async completeSignIn(callbackUrl: string | URL, transactionCookies: string | readonly string[] | undefined | null): Promise<{ principal: Principal; returnTo: string; email?: string }> {
    const config = await this.discover();
    const client = await openidClient();
    const transaction = await this.options.transactions.take(transactionCookies);
    if (!transaction) throw new UnauthorizedError('This sign-in has expired or was already used. Please sign in again.');
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (e) {
      throw signInFailure(e, client);
    }
    if (!claims) throw new UnauthorizedError('The sign-in did not return an ID token.');
    const principal = principalFromClaims(claims);
    if (principal.jurisdictionId && this.options.acceptJurisdiction && !(await this.options.acceptJurisdiction(principal.jurisdictionId))) {
      throw new UnauthorizedError('Your jurisdiction is not active on the platform. Ask your jurisdiction admin.');
    }
    // The address the platform may email (the people directory): only one the provider verified.
    const email = claims.email_verified === true && typeof claims.email === 'string' ? claims.email : undefined;
    return { principal, returnTo: transaction.returnTo, ...(email ? { email } : {}) };
  }

  /** The Set-Cookie value that removes the transaction cookie once the sign-in is done. */
  clearTransactionCookie(): string {
    return this.options.transactions.clearCookie();
  }

  /**
   * Where to send the browser to end the session at the provider too: the provider's end_session_endpoint, or the
   * configured logout endpoint (Cognito), or undefined when it has neither (the app's own sign-out still holds).
   */
  async signOutUrl(): Promise<string | undefined> {
    const config = await this.discover();
    if (config.serverMetadata().end_session_endpoint) {
      return (await openidClient()).buildEndSessionUrl(config, { client_id: this.settings.clientId, post_logout_redirect_uri: this.settings.postLogoutRedirectUri }).href;
    }
    if (this.settings.logoutEndpoint) {
      const url = new URL(this.settings.logoutEndpoint);
      url.searchParams.set('client_id', this.settings.clientId);
      url.searchParams.set('logout_uri', this.settings.postLogoutRedirectUri);
      return url.href;
    }
    return undefined;
  }
}

/** Maps openid-client's errors: the provider unreachable → 503; anything about the response itself → 401. Logs codes only. */
function signInFailure(e: unknown, client: typeof Client): Error {
  const name = (e as Error)?.name;
  const code = (e as { code?: string; error?: string })?.code ?? (e as { error?: string })?.error;
  if ((e instanceof TypeError && e.message === 'fetch failed') || name === 'TimeoutError' || name === 'AbortError') {
    logger.warn('OpenID provider unreachable at the code exchange', { errorName: name });
    return new ServiceUnavailableError('Sign-in is not available right now. Please try again in a minute.', { cause: e });
  }
  logger.warn('Sign-in rejected', { errorName: name, errorCode: code });
  if (e instanceof client.AuthorizationResponseError) {
    return new UnauthorizedError(e.error === 'access_denied' ? 'Sign-in was cancelled.' : 'The identity provider refused the sign-in.', { cause: e });
  }
  return new UnauthorizedError('The sign-in could not be verified. Please sign in again.', { cause: e });
}
