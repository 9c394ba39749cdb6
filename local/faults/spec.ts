// What LOCAL_FAULTS asks for, and the seeded random source that decides which calls fail. Read only by local code
// (the worker threads of the local Lambda runtime and the local cloud); nothing under shared/ or functions/ knows
// about it, so no deployed bundle contains it. Erasable TypeScript only: worker threads load it with Node's type
// stripping.

/**
 * How a call fails:
 * - `throttle`: the service refuses the request for rate (DynamoDB ProvisionedThroughputExceededException, S3 SlowDown,
 *   Step Functions ThrottlingException, SES TooManyRequestsException; SMTP 421);
 * - `server`: a 5xx (DynamoDB InternalServerError, S3 InternalError, ServiceUnavailable; SMTP 451);
 * - `timeout`: the request is sent nowhere and nothing answers until the client's timeout (TimeoutError);
 * - `reset`: the connection drops before the request arrives (ECONNRESET);
 * - `lost`: the request is carried out by the server, then the connection drops before its answer arrives: the caller
 *   sees an error for a change that was made, and retries it. The case that finds duplicates.
 */
export const FAULT_KINDS = ['throttle', 'server', 'timeout', 'reset', 'lost'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  /** Share of calls that fail, 0..1. */
  rate: number;
  seed: number;
  /** The kinds drawn from, equally likely. @default all of FAULT_KINDS */
  kinds: readonly FaultKind[];
  /**
   * How long a `timeout` fault holds the call before it fails: a stand-in for the client's own timeout, shortened so
   * that a test does not wait out production's (SES 20 s, SMTP 10 s). @default 100
   */
  timeoutMs: number;
}

/**
 * Parses `rate:0.2,seed:42[,kinds:throttle+server+timeout+reset+lost][,timeoutMs:100]`; throws on anything else, so
 * a typo never silently runs without faults.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = { rate: Number.NaN, seed: Number.NaN, kinds: FAULT_KINDS, timeoutMs: 100 };
  for (const part of text.split(',')) {
    const [name, value = ''] = part.split(':').map((s) => s.trim());
    if (name === 'rate') spec.rate = Number(value);
    else if (name === 'seed') spec.seed = Number(value);
    else if (name === 'timeoutMs') spec.timeoutMs = Number(value);
    else if (name === 'kinds') {
      const kinds = value.split('+');
      const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
      if (unknown.length || kinds.length === 0) throw new Error(`LOCAL_FAULTS: unknown fault kind(s) ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
      spec.kinds = kinds as FaultKind[];
    } else throw new Error(`LOCAL_FAULTS: unknown setting "${name}" (rate, seed, kinds, timeoutMs)`);
  }
  if (!(spec.rate >= 0 && spec.rate <= 1)) throw new Error('LOCAL_FAULTS: rate must be a number from 0 to 1');
  if (!Number.isInteger(spec.seed)) throw new Error('LOCAL_FAULTS: seed must be a whole number');
  if (!(Number.isInteger(spec.timeoutMs) && spec.timeoutMs >= 0)) throw new Error('LOCAL_FAULTS: timeoutMs must be a whole number of milliseconds');
  return spec;
}

export const formatFaultSpec = (spec: FaultSpec): string =>
  `rate:${spec.rate},seed:${spec.seed},kinds:${spec.kinds.join('+')},timeoutMs:${spec.timeoutMs}`;

/**
 * mulberry32, a 32-bit seeded generator: written out (six lines) because Math.random cannot be seeded and the
 * fault sequence must repeat for a seed. `stream` (e.g. a function's name) gives each caller its own sequence, so one
 * function's faults do not depend on how many calls the others made.
 */
export function seededRandom(seed: number, stream = ''): () => number {
  let a = seed >>> 0;
  for (const ch of stream) a = Math.imul(a ^ ch.charCodeAt(0), 0x9e3779b1) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, call by call, whether it fails and how. */
export function faultPlan(spec: FaultSpec, stream: string): () => FaultKind | undefined {
  const random = seededRandom(spec.seed, stream);
  return () => {
    if (random() >= spec.rate) return undefined;
    return spec.kinds[Math.floor(random() * spec.kinds.length)];
  };
}

/** One call seen by the harness: the service, the operation, and the fault injected (undefined: none). */
export interface FaultEvent {
  service: string;
  operation: string;
  fault: FaultKind | undefined;
}

/** Calls and injected faults per service (and per fault kind), summed over every function. */
export class FaultTally {
  readonly calls: Record<string, number> = {};
  readonly faults: Record<string, Partial<Record<FaultKind, number>>> = {};

  add(event: FaultEvent): void {
    this.calls[event.service] = (this.calls[event.service] ?? 0) + 1;
    if (!event.fault) return;
    const byKind = (this.faults[event.service] ??= {});
    byKind[event.fault] = (byKind[event.fault] ?? 0) + 1;
  }

  totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  totalFaults(kind?: FaultKind): number {
    return Object.values(this.faults).reduce((sum, byKind) => sum + (kind ? (byKind[kind] ?? 0) : Object.values(byKind).reduce((a, b) => a + (b ?? 0), 0)), 0);
  }

  /** One line: `DynamoDB 812 calls (throttle 30, server 28, ...); S3 ...`. */
  summary(): string {
    return Object.keys(this.calls)
      .sort()
      .map((s) => {
        const kinds = Object.entries(this.faults[s] ?? {}).map(([k, n]) => `${k} ${n}`);
        return `${s} ${this.calls[s]} calls${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
      })
      .join('; ');
  }
}
