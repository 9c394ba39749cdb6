/**
 * What the local service hands to aws-local-stepfunctions instead of the template's definition: a copy in which the
 * service, not the library, keeps time. The library gives every Task a 60 s default timeout AWS does not have, reads
 * TimeoutSeconds unscaled, and its timers overflow after 24.8 days (Node's longest setTimeout) into 1 ms; it has no
 * task tokens. So in the copy:
 * - every Task the service handles gets the longest timer the library can hold, and its Parameters are wrapped as
 *   `{ Parameters, TimeoutSeconds, HeartbeatSeconds }` so that the library itself resolves the state's Parameters and
 *   its *Path fields against the state's input, the AWS way, and the service's handler enforces them (scaled);
 * - `$$.Task.Token` in a callback task's Parameters reads a per-state key of the context object whose getter mints
 *   the token (`$$.Task.Token` stays unresolvable everywhere else, as in AWS);
 * - every Wait state becomes a Task of the service's wait handler (scaled, abortable, no overflow);
 * - the execution's TimeoutSeconds is taken out (the service times the execution).
 * The template's definition itself is never changed: Describe calls return it as synthesized.
 */

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
/** The SNS integration: the workflows' failure path publishes its alert with it. */
export const SNS_PUBLISH = 'arn:aws:states:::sns:publish';
export const WAIT_FOR_TASK_TOKEN = '.waitForTaskToken';
/** The Resource of a Wait state in the copy (any string: the library checks no ARNs here). */
export const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::local:wait';
/** Longest TimeoutSeconds the library can time without overflowing setTimeout (2^31 - 1 ms). */
export const LIBRARY_MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export type TaskKind = 'lambda-invoke' | 'lambda-function' | 'lambda-callback' | 'sns-publish';

export interface PreparedDefinition {
  /** The copy to run. */
  definition: Record<string, unknown>;
  /** Every Task the service handles, by state name (state names are unique in a whole state machine). */
  tasks: Map<string, { kind: TaskKind; resource: string; tokenKey?: string }>;
  /** Every Wait state (now a Task of the wait handler), by name. */
  waits: Set<string>;
  /** The execution's own TimeoutSeconds (taken out of the copy). */
  timeoutSeconds?: number;
}

/** What a handled Task receives: its resolved Parameters and timing, as the wrapper in the copy resolved them. */
export interface WrappedTaskInput {
  Parameters: unknown;
  TimeoutSeconds?: unknown;
  HeartbeatSeconds?: unknown;
}

/** What the wait handler receives. */
export interface WrappedWaitInput {
  Input: unknown;
  Seconds?: unknown;
  Timestamp?: unknown;
}

type State = Record<string, unknown> & { Type?: string };

export function isCallbackTask(state: { Type?: unknown; Resource?: unknown }): boolean {
  return state.Type === 'Task' && typeof state.Resource === 'string' && state.Resource.endsWith(WAIT_FOR_TASK_TOKEN);
}

function taskKind(resource: string): TaskKind | undefined {
  if (resource === LAMBDA_INVOKE) return 'lambda-invoke';
  if (resource === LAMBDA_INVOKE + WAIT_FOR_TASK_TOKEN) return 'lambda-callback';
  if (resource.startsWith('arn:aws:lambda:')) return 'lambda-function';
  if (resource === SNS_PUBLISH) return 'sns-publish';
  return undefined;
}

export function prepareDefinition(definition: Record<string, unknown>): PreparedDefinition {
  const prepared: PreparedDefinition = { definition: {}, tasks: new Map(), waits: new Set() };
  const { TimeoutSeconds, ...rest } = definition;
  if (typeof TimeoutSeconds === 'number') prepared.timeoutSeconds = TimeoutSeconds;
  prepared.definition = { ...rest, States: prepareStates(rest.States as Record<string, State>, prepared) };
  return prepared;
}

function prepareStates(states: Record<string, State>, prepared: PreparedDefinition): Record<string, State> {
  return Object.fromEntries(Object.entries(states).map(([name, state]) => [name, prepareState(name, state, prepared)]));
}

function prepareState(name: string, state: State, prepared: PreparedDefinition): State {
  const copy: State = { ...state };
  if (Array.isArray(state.Branches)) copy.Branches = (state.Branches as State[]).map((b) => ({ ...b, States: prepareStates(b.States as Record<string, State>, prepared) }));
  for (const key of ['Iterator', 'ItemProcessor'] as const) {
    const inner = state[key] as State | undefined;
    if (inner) copy[key] = { ...inner, States: prepareStates(inner.States as Record<string, State>, prepared) };
  }
  if (state.Type === 'Wait') return prepareWait(name, copy, prepared);
  if (state.Type !== 'Task' || typeof state.Resource !== 'string') return copy;
  const kind = taskKind(state.Resource);
  if (!kind) return copy;

  const { TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath, Parameters, ...task } = copy;
  let parameters: unknown = Parameters;
  let tokenKey: string | undefined;
  if (kind === 'lambda-callback') {
    tokenKey = `Token${prepared.tasks.size}`;
    parameters = rewriteTokenPaths(Parameters, tokenKey);
  }
  prepared.tasks.set(name, { kind, resource: state.Resource, tokenKey });
  return {
    ...task,
    TimeoutSeconds: LIBRARY_MAX_TIMEOUT_SECONDS,
    Parameters: {
      ...(parameters === undefined ? { 'Parameters.$': '$' } : { Parameters: parameters }),
      ...timing('TimeoutSeconds', TimeoutSeconds, TimeoutSecondsPath),
      ...timing('HeartbeatSeconds', HeartbeatSeconds, HeartbeatSecondsPath),
    },
  };
}

function timing(key: string, seconds: unknown, path: unknown): Record<string, unknown> {
  if (seconds !== undefined) return { [key]: seconds };
  if (path !== undefined) return { [`${key}.$`]: path };
  return {};
}

function prepareWait(name: string, wait: State, prepared: PreparedDefinition): State {
  const { Seconds, SecondsPath, Timestamp, TimestampPath, Type: _wait, ...rest } = wait;
  prepared.waits.add(name);
  const duration =
    Seconds !== undefined ? { Seconds } : SecondsPath !== undefined ? { 'Seconds.$': SecondsPath } : Timestamp !== undefined ? { Timestamp } : { 'Timestamp.$': TimestampPath };
  return { ...rest, Type: 'Task', Resource: LOCAL_WAIT_RESOURCE, TimeoutSeconds: LIBRARY_MAX_TIMEOUT_SECONDS, Parameters: { 'Input.$': '$', ...duration } };
}

/** `$$.Task.Token` (also inside intrinsic functions) in the values of `.$` keys, at any depth. */
function rewriteTokenPaths(template: unknown, tokenKey: string): unknown {
  if (Array.isArray(template)) return template.map((v) => rewriteTokenPaths(v, tokenKey));
  if (!template || typeof template !== 'object') return template;
  return Object.fromEntries(
    Object.entries(template).map(([k, v]) => [k, k.endsWith('.$') && typeof v === 'string' ? v.replace(/\$\$\.Task\.Token\b/g, `$$$$.Task.${tokenKey}`) : rewriteTokenPaths(v, tokenKey)]),
  );
}
