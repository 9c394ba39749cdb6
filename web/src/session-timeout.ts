/**
 * The timing of the session-timeout warning, as pure functions (main.ts drives the DOM; unit tests drive these).
 * The server tells how many seconds the session has left (GET /api/session, which does not slide the idle
 * expiry); the warning shows WARN_BEFORE_SECONDS before the end, and at the end the person is told they were
 * signed out.
 */
export const WARN_BEFORE_SECONDS = 120;

export type TimeoutPhase = 'active' | 'warning' | 'expired';

export interface TimeoutState {
  phase: TimeoutPhase;
  /** Seconds the session has left now (never negative). */
  secondsLeft: number;
  /** When to look again (ms from now): the start of the warning, or the end; undefined once expired. */
  nextCheckMs: number | undefined;
}

/** Where a session that had `secondsLeft` when read stands `elapsedMs` later. */
export function timeoutState(secondsLeft: number, elapsedMs: number, warnBeforeSeconds = WARN_BEFORE_SECONDS): TimeoutState {
  const leftMs = Math.max(0, secondsLeft * 1000 - Math.max(0, elapsedMs));
  const left = Math.ceil(leftMs / 1000);
  if (leftMs <= 0) return { phase: 'expired', secondsLeft: 0, nextCheckMs: undefined };
  if (leftMs <= warnBeforeSeconds * 1000) return { phase: 'warning', secondsLeft: left, nextCheckMs: leftMs };
  return { phase: 'active', secondsLeft: left, nextCheckMs: leftMs - warnBeforeSeconds * 1000 };
}

/** "2 minutes", "1 minute", "45 seconds": how long is left, in words (rounded up to the minute above a minute). */
export function remainingText(seconds: number): string {
  if (seconds <= 60) return `${Math.max(0, Math.round(seconds))} ${Math.round(seconds) === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/** The sign-in link that brings the person back to this page. */
export function signInAgainHref(pathname: string, search = ''): string {
  return `/auth/sign-in?returnTo=${encodeURIComponent(pathname + search)}`;
}
