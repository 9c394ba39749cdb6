/** Where a sign-in goes when the requested place is missing or unsafe. */
export const DEFAULT_RETURN_TO = '/';

/**
 * The path, query and fragment of `value` if it stays on `appOrigin`, else `/` (open-redirect protection).
 * Only relative paths are taken: absolute URLs, protocol-relative `//host`, backslash tricks (`/\host`, which
 * browsers read as `//host`), schemes (`javascript:`), control characters and paths that normalize to `//host`
 * all fall back to `/`.
 */
export function safeReturnTo(value: unknown, appOrigin: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return DEFAULT_RETURN_TO;
  // Browsers drop tabs and newlines from URLs, so `/\t/evil.example` would become `//evil.example`.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return DEFAULT_RETURN_TO;
  if (!value.startsWith('/') || value.startsWith('//')) return DEFAULT_RETURN_TO;
  let url: URL;
  try {
    url = new URL(value, appOrigin);
  } catch {
    return DEFAULT_RETURN_TO;
  }
  if (url.origin !== new URL(appOrigin).origin) return DEFAULT_RETURN_TO;
  const target = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can collapse to a leading `//` (`/.//evil.example`), which a Location header reads as another host.
  if (!target.startsWith('/') || target.startsWith('//')) return DEFAULT_RETURN_TO;
  return target;
}
