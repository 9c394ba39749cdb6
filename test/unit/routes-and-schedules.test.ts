import { describe, expect, it } from 'vitest';
import { methodsForPath, pathMatches, ROUTES } from '#shared/http/routes.ts';
import { nextFireTime } from '#local/scheduler.ts';
import { LocalHttpApi } from '#local/http/gateway.ts';
import type { LambdaRuntime } from '#local/lambda/runtime.ts';

describe('route table', () => {
  it('matches path templates segment by segment', () => {
    expect(pathMatches('/api/jurisdictions/{jurisdictionId}', '/api/jurisdictions/ky-dcbs')).toBe(true);
    expect(pathMatches('/api/jurisdictions/{jurisdictionId}', '/api/jurisdictions')).toBe(false);
    expect(pathMatches('/api/jurisdictions/{jurisdictionId}', '/api/jurisdictions/a/b')).toBe(false);
    expect(methodsForPath('/api/jurisdictions')).toEqual(['GET', 'POST']);
    expect(methodsForPath('/nowhere')).toEqual([]);
  });

  it('declares each route key once', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('local API Gateway route selection', () => {
  const api = new LocalHttpApi(
    [
      { routeKey: '$default', method: 'ANY', path: '$default', functionId: 'fallback' },
      { routeKey: 'GET /a/{id}', method: 'GET', path: '/a/{id}', functionId: 'param' },
      { routeKey: 'GET /a/special', method: 'GET', path: '/a/special', functionId: 'literal' },
      { routeKey: 'ANY /files/{proxy+}', method: 'ANY', path: '/files/{proxy+}', functionId: 'greedy' },
    ],
    {} as LambdaRuntime,
  );
  it('prefers literal segments, binds parameters, and falls back to $default', () => {
    expect(api.match('GET', '/a/special')?.route.functionId).toBe('literal');
    expect(api.match('GET', '/a/42')).toMatchObject({ route: { functionId: 'param' }, pathParameters: { id: '42' } });
    expect(api.match('POST', '/a/42')?.route.functionId).toBe('fallback');
    expect(api.match('DELETE', '/files/x/y.pdf')).toMatchObject({ route: { functionId: 'greedy' }, pathParameters: { proxy: 'x/y.pdf' } });
    expect(api.match('GET', '/b')?.route.functionId).toBe('fallback');
  });
});

describe('schedule expressions', () => {
  const from = new Date('2026-11-26T12:00:00Z'); // a Thursday
  it('computes the next cron, rate and at fire times in UTC', () => {
    expect(nextFireTime('cron(0 6 ? * MON *)', from)?.toISOString()).toBe('2026-11-30T06:00:00.000Z');
    expect(nextFireTime('rate(5 minutes)', from)?.toISOString()).toBe('2026-11-26T12:05:00.000Z');
    expect(nextFireTime('at(2026-12-01T00:00:00)', from)?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(nextFireTime('at(2026-01-01T00:00:00)', from)).toBeUndefined();
    expect(() => nextFireTime('every tuesday', from)).toThrow('Unsupported schedule expression');
  });
});
