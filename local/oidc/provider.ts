import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type AdapterFactory, type AdapterPayload, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { ROLE_LABELS } from '#shared/auth/policy.ts';
import { CLAIMS } from '#shared/auth/principal.ts';
import { demoUserClaims, loadDemoUsers, type DemoUser } from './users.ts';

/**
 * The local stand-in of Cognito: the certified `oidc-provider`, on 127.0.0.1, with one public client for the
 * platform (code flow, PKCE required) and the demo users of seed/users.json. A sign-in page lists the users; one
 * click signs in (there are no passwords locally). Signing keys and cookie keys are made at start and never stored,
 * so a restart invalidates every token it issued.
 */

export const LOCAL_CLIENT_ID = 'npcs-platform-local';

export interface LocalOidcProviderOptions {
  /** 0 = any free port. */
  port: number;
  /** @default `http://127.0.0.1:<port>` */
  issuerBaseUrl?: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** @default LOCAL_CLIENT_ID */
  clientId?: string;
  /** @default seed/users.json */
  usersFile?: string;
}

export interface LocalOidcProvider {
  issuer: string;
  clientId: string;
  users: DemoUser[];
  stop: () => Promise<void>;
}

export async function startLocalOidcProvider(options: LocalOidcProviderOptions): Promise<LocalOidcProvider> {
  const users = loadDemoUsers(options.usersFile);
  const byId = new Map(users.map((u) => [u.sub, u]));
  const clientId = options.clientId ?? LOCAL_CLIENT_ID;

  let provider: Provider | undefined;
  const server = createServer((req, res) => {
    if (!provider) {
      res.writeHead(503).end();
      return;
    }
    const p = provider;
    const interaction = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(new URL(req.url ?? '/', 'http://local').pathname);
    if (interaction) {
      handleInteraction(p, byId, req, res, interaction[2] as 'login' | 'abort' | undefined).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`Sign-in failed: ${(e as Error).message}`);
      });
      return;
    }
    p.callback()(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const issuer = (options.issuerBaseUrl ?? `http://127.0.0.1:${port}`).replace(/\/$/, '');

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

  const configuration: Configuration = {
    adapter: memoryAdapter(),
    ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Interaction: 600, Session: 12 * 3600, Grant: 12 * 3600 },
    clients: [
      {
        client_id: clientId,
        client_name: 'NPCS platform (local)',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris,
      },
    ],
    pkce: { required: () => true },
    responseTypes: ['code'],
    scopes: ['openid', 'email', 'profile'],
    claims: {
      openid: ['sub', CLAIMS.groups, CLAIMS.jurisdiction],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // Cognito puts groups and attributes in the ID token itself; so does this provider.
    conformIdTokenClaims: false,
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: async (_ctx, sub) => {
      const user = byId.get(sub);
      return user ? { accountId: sub, claims: async () => ({ ...demoUserClaims(user), sub }) } : undefined;
    },
    // The platform is a first-party client: no consent screen, as with Cognito's managed login.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, provider: op } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = (ctx.oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return op.Grant.find(grantId);
      const grant = new op.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            'Sign out',
            `<h1>Sign out of the local provider?</h1>${form}<p><button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button> <button type="submit" form="op.logoutForm">No, stay signed in</button></p>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<h1>You are signed out of the local provider.</h1>');
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<h1>Sign-in error</h1><p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>`);
    },
  };
  provider = new Provider(issuer, configuration);

  return {
    issuer,
    clientId,
    users,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * In-memory storage of codes, sessions, grants and interactions, one per provider instance (tests run two side by
 * side). oidc-provider's own development adapter would do, but it is shared per process and warns on every start.
 */
function memoryAdapter(): AdapterFactory {
  const store = new Map<string, { payload: AdapterPayload; expiresAt?: number }>();
  const byGrant = new Map<string, Set<string>>();
  const get = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) store.delete(key);
    else return entry?.payload;
    return undefined;
  };
  const findBy = (model: string, field: 'uid' | 'userCode', value: string): AdapterPayload | undefined => {
    for (const [key, entry] of store) if (key.startsWith(`${model}:`) && entry.payload[field] === value) return get(key);
    return undefined;
  };
  return (model) => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        store.set(key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
        if (payload.grantId) {
          const keys = byGrant.get(payload.grantId) ?? new Set<string>();
          keys.add(key(id));
          byGrant.set(payload.grantId, keys);
        }
      },
      async find(id) {
        return get(key(id));
      },
      async findByUid(uid) {
        return findBy(model, 'uid', uid);
      },
      async findByUserCode(userCode) {
        return findBy(model, 'userCode', userCode);
      },
      async consume(id) {
        const payload = get(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const k of byGrant.get(grantId) ?? []) store.delete(k);
        byGrant.delete(grantId);
      },
    };
  };
}

async function handleInteraction(
  provider: Provider,
  users: Map<string, DemoUser>,
  req: IncomingMessage,
  res: ServerResponse,
  step: 'login' | 'abort' | undefined,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (step === undefined && req.method === 'GET') {
    if (details.prompt.name === 'login') return sendHtml(res, loginPage(details.uid, [...users.values()]));
    // Consent is granted by loadExistingGrant; any other prompt means the request cannot be completed here.
    return provider.interactionFinished(req, res, { error: 'interaction_required', error_description: `Prompt ${details.prompt.name} is not supported locally` });
  }
  if (req.method !== 'POST') throw new Error('Use the sign-in page.');
  if (step === 'abort') return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled the sign-in' });
  const form = new URLSearchParams(await readBody(req));
  const user = users.get(form.get('user') ?? '');
  if (!user) throw new Error('Choose one of the demo users.');
  await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
}

function loginPage(uid: string, users: DemoUser[]): string {
  const rows = users
    .map(
      (u) =>
        `<li><button type="submit" name="user" value="${escapeHtml(u.sub)}">${escapeHtml(u.name)}</button> ${escapeHtml(ROLE_LABELS[u.role])}, ${escapeHtml(u.jurisdictionId ?? 'all jurisdictions')} <small>(${escapeHtml(u.email)})</small></li>`,
    )
    .join('\n');
  return page(
    'Sign in (local demo)',
    `<h1>Sign in to the NPCS platform (local demo)</h1>
<p>This local provider stands in for the managed login of Amazon Cognito. Choose a demo user; there are no passwords here.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login"><ul>${rows}</ul></form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Cancel</button></form>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}li{margin:.4rem 0}button{font:inherit;padding:.2rem .7rem}</style></head><body><main>${body}</main></body></html>`;
}

function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 16_384) reject(new Error('Request too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
