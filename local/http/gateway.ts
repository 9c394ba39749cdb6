import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { LocalRoute } from '../assembly.ts';
import type { LambdaRuntime } from '../lambda/runtime.ts';
import { acceptedEncoding, compress, compressible, varyOnEncoding } from './compression.ts';

/** API Gateway HTTP APIs refuse payloads over 10 MB before any function runs. */
const API_GATEWAY_MAX_PAYLOAD = 10 * 1024 * 1024;

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|xml|x-www-form-urlencoded|javascript))/i;

interface MatchedRoute {
  route: LocalRoute;
  pathParameters?: Record<string, string>;
}

/**
 * The local stand-in of API Gateway (HTTP API, payload format 2.0): matches the request against the template's
 * routes as API Gateway does (literal paths before parameters, `$default` last), builds the same event,
 * invokes the function's deployed bundle and maps its result back.
 */
export class LocalHttpApi {
  private readonly routes: LocalRoute[];

  constructor(
    routes: readonly LocalRoute[],
    private readonly lambdas: LambdaRuntime,
    /** Headers CloudFront adds to every request it forwards (they replace any a client sent), made per request. */
    private readonly originHeaders: () => Record<string, string> = () => ({}),
  ) {
    this.routes = [...routes].sort((a, b) => specificity(b) - specificity(a));
  }

  match(method: string, path: string): MatchedRoute | undefined {
    for (const route of this.routes) {
      if (route.routeKey === '$default') continue;
      if (route.method !== method && route.method !== 'ANY') continue;
      const params = matchPath(route.path, path);
      if (params) return { route, pathParameters: Object.keys(params).length ? params : undefined };
    }
    const fallback = this.routes.find((r) => r.routeKey === '$default');
    return fallback ? { route: fallback } : undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    if (body.length > API_GATEWAY_MAX_PAYLOAD) return send(res, 413, { message: 'Request Entity Too Large' });
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, { message: 'Bad Request: the path is not valid percent-encoding' });
    }
    const matched = this.match(method, path);
    if (!matched) return send(res, 404, { message: 'Not Found' });

    const event = buildEvent(req, url, method, body, matched);
    Object.assign(event.headers, this.originHeaders());
    const outcome = await this.lambdas.invoke(matched.route.functionId, event);
    if (!outcome.ok) {
      // What API Gateway answers when the integration fails; the function's own log has the details.
      process.stderr.write(`[local api] ${matched.route.functionId} failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}\n`);
      return send(res, outcome.error.errorType === 'Sandbox.Timedout' ? 503 : 500, { message: 'Internal Server Error' });
    }
    writeResult(req, res, outcome.result);
  }
}

function specificity(route: LocalRoute): number {
  if (route.routeKey === '$default') return -1;
  const segments = route.path.split('/').filter(Boolean);
  return segments.reduce((n, s) => n + (s.startsWith('{') ? 1 : 3), 0) + segments.length * 0.1;
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    if (seg.startsWith('{') && seg.endsWith('+}')) {
      params[seg.slice(1, -2)] = p.slice(i).join('/');
      return p.length > i ? params : undefined;
    }
    if (p[i] === undefined) return undefined;
    if (seg.startsWith('{') && seg.endsWith('}')) params[seg.slice(1, -1)] = p[i]!;
    else if (seg !== p[i]) return undefined;
  }
  return t.length === p.length ? params : undefined;
}

function buildEvent(req: IncomingMessage, url: URL, method: string, body: Buffer, matched: MatchedRoute): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = req.headers.cookie?.split(';').map((c) => c.trim()).filter(Boolean);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = headers['content-type'] ?? '';
  // Bytes that are not UTF-8 go base64 whatever the type: a string would carry U+FFFD, and the function could not refuse them.
  const isText = body.length === 0 || (TEXT_TYPES.test(contentType) && isUtf8(body));
  const now = new Date();
  return {
    version: '2.0',
    routeKey: matched.route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: matched.pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: matched.route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** Payload format 2.0 response rules: an object with statusCode is a full response; anything else is JSON. */
function writeResult(req: IncomingMessage, res: ServerResponse, result: unknown): void {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    const body = Buffer.from(typeof result === 'string' ? result : JSON.stringify(result));
    return writeCompressed(req, res, 200, { 'content-type': 'application/json' }, body);
  }
  const r = result as { statusCode: number; headers?: Record<string, string | number | boolean>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  if (r.body === undefined) {
    res.writeHead(r.statusCode, headers);
    res.end();
    return;
  }
  writeCompressed(req, res, r.statusCode, headers, r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(r.body));
}

/** CloudFront in front of the API compresses what the function returns (local/http/compression.ts). */
function writeCompressed(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer): void {
  const encoding = acceptedEncoding(req);
  const type = headers['content-type'];
  if (encoding && compressible(Array.isArray(type) ? type[0] : type, body.length, headers['content-encoding'] as string | undefined)) {
    body = compress(body, encoding);
    headers['content-encoding'] = encoding;
    headers.vary = varyOnEncoding(headers.vary as string | undefined);
  }
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
