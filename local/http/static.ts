import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import type { LocalBucketDeployment } from '../assembly.ts';
import { acceptedEncoding, compress, compressible, type Encoding } from './compression.ts';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/** A content-hashed name (`name.<12 hex>.ext`): never changes, so it may be cached for a year. */
const HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;

/**
 * The local stand-in of CloudFront's `/assets/*` behavior: serves the staged source directories of the template's
 * BucketDeployments whose key prefix is `assets/`, exactly the files that deploy to the static bucket.
 */
export class LocalStaticAssets {
  private readonly roots: { prefix: string; dir: string; cacheControl?: string }[];
  /** Encoded copies, made once per file version (CloudFront caches them at the edge). */
  private readonly encoded = new Map<string, Buffer>();

  constructor(deployments: readonly LocalBucketDeployment[]) {
    this.roots = deployments.flatMap((d) => d.sourceDirs.map((dir) => ({ prefix: `/${d.prefix.replace(/^\/+/, '')}`, dir, cacheControl: d.cacheControl })));
  }

  /** Answers the request when a deployment covers its path; false to pass it on to the API. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.method ?? 'GET';
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const root = this.roots.find((r) => r.prefix.length > 1 && pathname.startsWith(r.prefix));
    if (!root) return false;
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method Not Allowed');
      return true;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(root.prefix.length));
    } catch {
      relative = '\0';
    }
    const file = path.resolve(root.dir, relative);
    const inside = file.startsWith(root.dir + path.sep);
    const stat = inside && !relative.includes('\0') ? statSync(file, { throwIfNoEntry: false }) : undefined;
    if (!stat?.isFile()) {
      // What S3 behind CloudFront answers for a missing key (with OAC): 403, not a listing.
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code></Error>');
      return true;
    }
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const encoding = acceptedEncoding(req);
    let body: Buffer = readFileSync(file);
    const headers: Record<string, string> = {
      'content-type': type,
      'cache-control': HASHED.test(file) ? (root.cacheControl ?? 'public, max-age=31536000, immutable') : 'public, max-age=300',
      'x-content-type-options': 'nosniff',
    };
    if (compressible(type, body.length)) {
      headers.vary = 'Accept-Encoding';
      if (encoding) {
        body = this.encode(file, stat.mtimeMs, body, encoding);
        headers['content-encoding'] = encoding;
      }
    }
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(method === 'HEAD' ? undefined : body);
    return true;
  }

  private encode(file: string, version: number, body: Buffer, encoding: Encoding): Buffer {
    const key = `${encoding}:${version}:${file}`;
    let encoded = this.encoded.get(key);
    if (!encoded) {
      encoded = compress(body, encoding, 'best');
      this.encoded.set(key, encoded);
    }
    return encoded;
  }
}
