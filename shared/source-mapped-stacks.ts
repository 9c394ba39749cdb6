/**
 * Stack traces in the TypeScript sources, with the bundle's source map read only when a stack is formatted.
 *
 * Every function bundle gets this module first (esbuild `inject`, infra/constructs/platform-function.ts). Node's own
 * `--enable-source-maps` does the same mapping but pays for it at load: it parses the map and walks every character
 * of the bundle to cache line lengths (for coverage reports), ~0.24 M instructions per KB, a tenth of the web
 * function's cold start (docs/bench.md). Stacks are formatted only when something failed, so the map is read then,
 * with Node's own `SourceMap` class. Written by hand because the library made for this (source-map-support) would
 * add its source-map parser (~100 KB) to every bundle, the load-time cost this module exists to avoid.
 */

type CallSite = NodeJS.CallSite;
type SourceMap = import('node:module').SourceMap;
/** findEntry's result: Node gives the symbol's original name too, which @types/node does not declare. */
type Entry = import('node:module').SourceMapping & { name?: string };

const bundleUrl = import.meta.url;
let bundleMap: SourceMap | null | undefined;

/** The bundle's map (`<bundle>.map`, as esbuild writes it), parsed on first use; null when it cannot be read. */
function sourceMap(): SourceMap | null {
  if (bundleMap === undefined) {
    try {
      const { readFileSync } = process.getBuiltinModule('node:fs');
      const { SourceMap } = process.getBuiltinModule('node:module');
      bundleMap = new SourceMap(JSON.parse(readFileSync(new URL(`${bundleUrl}.map`), 'utf8')));
    } catch {
      bundleMap = null;
    }
  }
  return bundleMap;
}

/** `../../../shared/http/handler.ts` (relative to the map in the asset folder) reads as `shared/http/handler.ts`. */
const projectPath = (source: string): string => source.replace(/^(?:\.\.\/)+/, '');

/** Where a bundle position (1-based, as V8 gives it) came from, or undefined when the map has no entry. */
function origin(map: SourceMap, line: number | null, column: number | null): Entry | undefined {
  if (line === null || column === null) return undefined;
  const entry = map.findEntry(line - 1, column - 1);
  return 'originalSource' in entry ? entry : undefined;
}

/** One frame as V8 writes it, with the bundle's position and minified name replaced by the source's. */
function mappedFrame(map: SourceMap, site: CallSite, caller: CallSite | undefined): string {
  const text = String(site);
  const at = origin(map, site.getLineNumber(), site.getColumnNumber());
  if (!at) return text;
  // As Node does: the enclosing function's own name, else the name the caller used for it.
  const name =
    origin(map, site.getEnclosingLineNumber(), site.getEnclosingColumnNumber())?.name ||
    (caller?.getFileName() === bundleUrl ? origin(map, caller.getLineNumber(), caller.getColumnNumber())?.name : undefined) ||
    site.getFunctionName();
  const typeName = site.getTypeName();
  const qualified = name && typeName && typeName !== '[object global]' && !site.isToplevel() ? `${typeName}.${name}` : name;
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  const location = `${projectPath(at.originalSource)}:${at.originalLine + 1}:${at.originalColumn + 1}`;
  return qualified ? `${prefix}${qualified} (${location})` : `${prefix}${location}`;
}

function header(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

function prepareStackTrace(error: unknown, sites: CallSite[]): string {
  const map = sites.some((s) => s.getFileName() === bundleUrl) ? sourceMap() : null;
  const frames = sites.map((site, i) => {
    try {
      return map && site.getFileName() === bundleUrl ? mappedFrame(map, site, sites[i + 1]) : String(site);
    } catch {
      return String(site);
    }
  });
  return [header(error), ...frames.map((f) => `    at ${f}`)].join('\n');
}

// Replaces Node's default formatter, which writes the same text unmapped. Someone who starts node with
// --enable-source-maps (a debugging session) gets Node's own mapping instead.
if (!process.sourceMapsEnabled) {
  Error.prepareStackTrace = prepareStackTrace;
}
