/**
 * Stack traces in the TypeScript sources, with the bundle's source map read only when a stack is formatted.
 *
 * Every function bundle gets this module first (esbuild `inject`, infra/constructs/bundling.ts). Node's own
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

/** The function's folder: index.mjs and, with code splitting, chunks/*.mjs (this module may be in either). */
const bundleRoot = new URL(/\/chunks\/[^/]+$/.test(import.meta.url) ? '../' : './', import.meta.url).href;
const inBundle = (file: string | null | undefined): file is string => !!file && file.startsWith(bundleRoot) && file.endsWith('.mjs');
const maps = new Map<string, SourceMap | null>();

/** A bundle file's map (`<file>.map`, as esbuild writes it), parsed on first use; null when it cannot be read. */
function sourceMap(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      const { readFileSync } = process.getBuiltinModule('node:fs');
      const { SourceMap } = process.getBuiltinModule('node:module');
      map = new SourceMap(JSON.parse(readFileSync(new URL(`${file}.map`), 'utf8')));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

/** `../../../shared/http/handler.ts` (relative to the map in the asset folder) reads as `shared/http/handler.ts`. */
const projectPath = (source: string): string => source.replace(/^(?:\.\.\/)+/, '');

/** Where a bundle position (1-based, as V8 gives it) came from, or undefined when the map has no entry. */
function origin(map: SourceMap, line: number | null, column: number | null): Entry | undefined {
  if (line === null || column === null) return undefined;
  const entry = map.findEntry(line - 1, column - 1);
  return 'originalSource' in entry ? entry : undefined;
}

/**
 * The source name of the function a frame is in. V8 gives where the function starts: before its minified name for
 * `function a(){}` and `async function a(){}` (the name follows within a few columns), after it for `a=()=>{}`.
 */
function enclosingName(map: SourceMap, site: CallSite): string | undefined {
  const line = site.getEnclosingLineNumber();
  const column = site.getEnclosingColumnNumber();
  if (line === null || column === null) return undefined;
  for (let c = column; c <= column + 16; c++) {
    const entry = origin(map, line, c);
    if (entry?.name && (c === column || entry.generatedColumn >= column - 1)) return entry.name;
  }
  return undefined;
}

/** The name a caller in the bundle used for the function it called (at the call's position in its source). */
function callerName(caller: CallSite | undefined): string | undefined {
  const file = caller?.getFileName();
  const map = inBundle(file) ? sourceMap(file) : null;
  return map ? origin(map, caller!.getLineNumber(), caller!.getColumnNumber())?.name : undefined;
}

/** One frame as V8 writes it, with the bundle's position and minified name replaced by the source's. */
function mappedFrame(site: CallSite, caller: CallSite | undefined): string {
  const map = sourceMap(site.getFileName()!);
  const at = map ? origin(map, site.getLineNumber(), site.getColumnNumber()) : undefined;
  if (!map || !at) return String(site);
  // As Node does: the enclosing function's own name, else the name the caller used for it.
  const name = enclosingName(map, site) || callerName(caller) || site.getFunctionName();
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
  const frames = sites.map((site, i) => {
    try {
      return inBundle(site.getFileName()) ? mappedFrame(site, sites[i + 1]) : String(site);
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
