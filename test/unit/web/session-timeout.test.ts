import { describe, expect, it } from 'vitest';
import { WARN_BEFORE_SECONDS, remainingText, signInAgainHref, timeoutState } from '../../../web/src/session-timeout.ts';

describe('the session-timeout warning timing', () => {
  it('stays quiet until two minutes before the end, then warns, then says the session ended', () => {
    expect(WARN_BEFORE_SECONDS).toBe(120);
    expect(timeoutState(1800, 0)).toEqual({ phase: 'active', secondsLeft: 1800, nextCheckMs: (1800 - 120) * 1000 });
    expect(timeoutState(1800, 1000 * (1800 - 121)).phase).toBe('active');
    expect(timeoutState(1800, 1000 * (1800 - 120))).toEqual({ phase: 'warning', secondsLeft: 120, nextCheckMs: 120_000 });
    expect(timeoutState(1800, 1000 * 1799.5)).toEqual({ phase: 'warning', secondsLeft: 1, nextCheckMs: 500 });
    expect(timeoutState(1800, 1800_000)).toEqual({ phase: 'expired', secondsLeft: 0, nextCheckMs: undefined });
    expect(timeoutState(1800, 5_000_000).phase).toBe('expired');
  });

  it('warns at once when the session has less than the warning time left, and treats a clock going back as no time passed', () => {
    expect(timeoutState(90, 0)).toEqual({ phase: 'warning', secondsLeft: 90, nextCheckMs: 90_000 });
    expect(timeoutState(0, 0).phase).toBe('expired');
    expect(timeoutState(600, -10_000)).toEqual({ phase: 'active', secondsLeft: 600, nextCheckMs: 480_000 });
    expect(timeoutState(300, 0, 60).nextCheckMs).toBe(240_000);
  });

  it('says how long is left in words and links back to the page after sign-in', () => {
    expect(remainingText(120)).toBe('2 minutes');
    expect(remainingText(61)).toBe('2 minutes');
    expect(remainingText(60)).toBe('60 seconds');
    expect(remainingText(1)).toBe('1 second');
    expect(signInAgainHref('/records/r1/sections/incident', '?notice=more')).toBe('/auth/sign-in?returnTo=%2Frecords%2Fr1%2Fsections%2Fincident%3Fnotice%3Dmore');
  });
});
