import type { IncomingMessage } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * What CloudFront does for a behavior with compression on and a cache policy that accepts gzip and br: it compresses
 * a response of a compressible type between 1,000 bytes and 10 MB that the origin did not encode already, in br when
 * the viewer accepts it, else gzip. Locally the gateway and the static assets do the same, so what a browser measures
 * here is what it gets from AWS.
 */

const MIN_BYTES = 1000;
const MAX_BYTES = 10_000_000;
// CloudFront's list of compressed file types, by content type.
const COMPRESSIBLE =
  /^(text\/|application\/(javascript|x-javascript|ecmascript|json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|xhtml\+xml|x-font-ttf|x-font-opentype|x-font-truetype|vnd\.ms-fontobject|font-sfnt|x-httpd-cgi|x-perl|x-sh|x-tar|x-tcl|x-web-app-manifest\+json|dash\+xml|rss\+xml|vnd\.apple\.mpegurl|x-mpegurl)|font\/(eot|opentype|otf|ttf)|image\/(svg\+xml|x-icon|vnd\.microsoft\.icon)|message\/rfc822|multipart\/bag)/i;

export type Encoding = 'br' | 'gzip';

/** The encoding CloudFront would pick for this request (br over gzip), or none; `q=0` refuses one. */
export function acceptedEncoding(req: IncomingMessage): Encoding | undefined {
  const header = req.headers['accept-encoding'];
  const accepted = new Set<string>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return undefined;
}

/** Whether CloudFront would compress a response of this type, size and existing encoding. */
export function compressible(contentType: string | undefined, size: number, contentEncoding?: string): boolean {
  return !contentEncoding && size >= MIN_BYTES && size <= MAX_BYTES && COMPRESSIBLE.test(contentType ?? '');
}

export function compress(body: Buffer, encoding: Encoding, effort: 'fast' | 'best' = 'fast'): Buffer {
  if (encoding === 'gzip') return gzipSync(body, { level: effort === 'best' ? 9 : 6 });
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: effort === 'best' ? 11 : 5,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/** Adds Accept-Encoding to Vary (CloudFront's cache key has it when compression is on). */
export function varyOnEncoding(vary: string | undefined): string {
  const names = (vary ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  return names.some((n) => n.toLowerCase() === 'accept-encoding' || n === '*') ? names.join(', ') : [...names, 'Accept-Encoding'].join(', ');
}
