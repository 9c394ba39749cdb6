import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { BadRequestError, PayloadTooLargeError, TooManyRequestsError, UnsupportedMediaTypeError } from '#shared/errors.ts';
import { CSP_REPORTS_PER_MINUTE, blockedResource, parseCspReports, pathOf, receiveCspReports } from '#shared/http/csp-reports.ts';
import { logger } from '#shared/logger.ts';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

// A Reporting API batch as Chromium sends it (application/reports+json).
const reportingApi = [
  {
    type: 'csp-violation',
    age: 10,
    url: 'https://safety.example.org/survey/ky-dcbs/s3cr3t-link-token?x=1',
    user_agent: 'Mozilla/5.0',
    body: {
      documentURL: 'https://safety.example.org/survey/ky-dcbs/s3cr3t-link-token?resume=abc#q7',
      blockedURL: 'https://evil.example.net/collect.js?session=tok-123&name=Jane',
      effectiveDirective: 'script-src-elem',
      originalPolicy: "default-src 'none'",
      sample: 'console.log("Jane Doe")',
      disposition: 'enforce',
      statusCode: 200,
    },
  },
  { type: 'deprecation', age: 1, url: 'https://safety.example.org/', body: { id: 'x', message: 'y' } },
];

describe('parseCspReports', () => {
  it('reads Reporting API batches: the directive, the blocked origin and path, the document path; no query, fragment or sample', () => {
    const violations = parseCspReports('application/reports+json', body(reportingApi));
    expect(violations).toEqual([{ directive: 'script-src-elem', blocked: 'https://evil.example.net/collect.js', documentPath: '/survey/ky-dcbs/s3cr3t-link-token' }]);
    const text = JSON.stringify(violations);
    for (const secret of ['session=', 'tok-123', 'Jane', 'resume', '#q7', 'console.log']) expect(text).not.toContain(secret);
  });

  it('reads the report-uri format (application/csp-report, with a charset), keeping the directive name only', () => {
    const report = {
      'csp-report': {
        'document-uri': 'https://safety.example.org/records/r-1/sections/child?token=abc',
        'blocked-uri': 'inline',
        'violated-directive': "style-src-attr 'none'",
        'script-sample': 'color: red',
      },
    };
    expect(parseCspReports('application/csp-report; charset=utf-8', body(report))).toEqual([{ directive: 'style-src-attr', blocked: 'inline', documentPath: '/records/r-1/sections/child' }]);
  });

  it('refuses other content types (415), large bodies (413) and bodies that are not reports (400)', () => {
    expect(() => parseCspReports('application/json', body(reportingApi))).toThrow(UnsupportedMediaTypeError);
    expect(() => parseCspReports(undefined, body(reportingApi))).toThrow(UnsupportedMediaTypeError);
    expect(() => parseCspReports('application/reports+json', Buffer.alloc(17 * 1024, 32))).toThrow(PayloadTooLargeError);
    expect(() => parseCspReports('application/reports+json', undefined)).toThrow(BadRequestError);
    expect(() => parseCspReports('application/reports+json', Buffer.from('{not json'))).toThrow(/not valid JSON/);
    expect(() => parseCspReports('application/reports+json', body({ 'csp-report': {} }))).toThrow(/list of reports/);
    expect(() => parseCspReports('application/csp-report', body(reportingApi))).toThrow(/"csp-report"/);
  });
});

describe('URL stripping', () => {
  it('keeps origin and path of http(s) URLs, the scheme of data: and blob:, keywords as they are', () => {
    expect(blockedResource('https://cdn.example.com:8443/a/b.css?v=1#x')).toBe('https://cdn.example.com:8443/a/b.css');
    expect(blockedResource('https://user:pass@cdn.example.com/a')).toBe('https://cdn.example.com/a');
    expect(blockedResource('data:text/html;base64,PHNjcmlwdD4=')).toBe('data');
    expect(blockedResource('blob:https://safety.example.org/1234-5678')).toBe('blob');
    expect(blockedResource('eval')).toBe('eval');
    expect(blockedResource('not a url ?token=1')).toBe('unknown');
    expect(blockedResource(undefined)).toBe('unknown');
    expect(pathOf('https://safety.example.org/records/r-9?cursor=sealed#top')).toBe('/records/r-9');
    expect(pathOf('about:blank')).toBe('unknown');
  });
});

describe('receiveCspReports', () => {
  const event = (headers: Record<string, string>, b: string): APIGatewayProxyEventV2 =>
    ({ headers, body: b, isBase64Encoded: false, requestContext: { http: { method: 'POST', path: '/api/csp-reports' } } }) as unknown as APIGatewayProxyEventV2;

  it('logs each violation without query strings, answers 204, and refuses more than the per-container rate (429)', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const request = event({ 'content-type': 'application/reports+json' }, JSON.stringify(reportingApi));
    const first = await receiveCspReports(request);
    expect(first.statusCode).toBe(204);
    expect(first.body).toBe('');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls[0])).not.toMatch(/\?|session=|tok-123|Jane/);
    for (let i = 1; i < CSP_REPORTS_PER_MINUTE; i++) expect((await receiveCspReports(request)).statusCode).toBe(204);
    await expect(receiveCspReports(request)).rejects.toThrow(TooManyRequestsError);
    warn.mockRestore();
  });
});
