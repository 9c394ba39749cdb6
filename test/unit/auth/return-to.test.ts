import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '#shared/auth/return-to.ts';

const ORIGIN = 'https://platform.npcs.example.org';

describe('safeReturnTo (open-redirect protection)', () => {
  it.each([
    ['/', '/'],
    ['/records', '/records'],
    ['/records/r-1?tab=review#notes', '/records/r-1?tab=review#notes'],
    ['/a/../b', '/b'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/dictionary?q=https://evil.example', '/dictionary?q=https://evil.example'],
  ])('keeps the same-origin path %s', (input, expected) => {
    expect(safeReturnTo(input, ORIGIN)).toBe(expected);
  });

  it.each([
    ['an absolute URL elsewhere', 'https://evil.example/records'],
    ['an absolute URL to the app itself (only paths are taken)', `${ORIGIN}/records`],
    ['a protocol-relative URL', '//evil.example/records'],
    ['a backslash, which browsers read as a slash', '/\\evil.example'],
    ['a leading backslash pair', '\\\\evil.example'],
    ['a tab that browsers drop', '/\t/evil.example'],
    ['a newline that browsers drop', '/\n/evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a path that normalizes to //host', '/.//evil.example'],
    ['a relative path without a slash', 'records'],
    ['an empty string', ''],
    ['a host with credentials', 'https://platform.npcs.example.org@evil.example/'],
    ['a very long value', `/${'a'.repeat(3000)}`],
  ])('falls back to / for %s', (_what, input) => {
    expect(safeReturnTo(input, ORIGIN)).toBe('/');
  });

  it('falls back to / for anything that is not a string', () => {
    for (const value of [undefined, null, 42, ['/records'], { path: '/records' }]) expect(safeReturnTo(value, ORIGIN)).toBe('/');
  });
});
