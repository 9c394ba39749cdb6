import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { ownReportFile, reportFile, showOwnReport, showReport, showReports, showRunForm } from '#shared/reports/web/report-flow.tsx';
import type { PageInput } from '#shared/web/page-input.ts';
import { memoryReader, release } from '../../support/report-reader.ts';

const FILES = ['manifest.json', 'reviews_by_incident_type.period.csv', 'reviews_by_incident_type.period.json', 'reviews_by_incident_type.period.parquet'];
const PARQUET = new Uint8Array([0x50, 0x41, 0x52, 0x31, 0x00, 0xff, 0x80, 0x0a, 0x50, 0x41, 0x52, 0x31]);
const march = release('monthly', '2026-03', FILES);
const reader = memoryReader([
  { release: release('monthly', '2026-02'), html: { partnership: '<p>February</p>' }, files: {} },
  {
    release: march,
    html: { partnership: '<article><h1>Partnership report</h1></article>', 'jurisdiction:ky-dcbs': '<article><h1>Kentucky DCBS: own report</h1></article>' },
    files: {
      partnership: { 'reviews_by_incident_type.period.csv': new TextEncoder().encode('jurisdiction,fatality\r\nky-dcbs,23\r\n'), 'reviews_by_incident_type.period.parquet': PARQUET, 'manifest.json': new TextEncoder().encode('{"tables":[]}') },
      'jurisdiction:ky-dcbs': { 'reviews_by_incident_type.period.csv': new TextEncoder().encode('jurisdiction,fatality\r\nky-dcbs,9\r\n') },
    },
  },
  { release: release('quarterly', '2026-Q1'), html: { partnership: '<p>Q1</p>' }, files: {} },
]);

const as = (principal: Principal): PageInput => ({ table: 'unused', principal, event: { requestContext: { requestId: 'r' } } as unknown as APIGatewayProxyEventV2, csrf: 'csrf-token' });
const LEAD: Principal = { subject: 'lead', role: 'partnership_lead', displayName: 'Lead' };
const ADMIN: Principal = { subject: 'admin', role: 'jurisdiction_admin', jurisdictionId: 'ky-dcbs' };
const PLATFORM: Principal = { subject: 'p', role: 'platform_admin' };
const body = (r: { body?: string }) => String(r.body);

describe('the report pages', () => {
  it("list a lead's releases by cadence, newest first, with no jurisdiction's own report", async () => {
    const r = await showReports(as(LEAD), reader);
    expect(r.statusCode).toBe(200);
    const links = [...body(r).matchAll(/href="(\/reports\/[^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual(['/reports/monthly/2026-03', '/reports/monthly/2026-02', '/reports/quarterly/2026-Q1']);
  });

  it("list a jurisdiction admin's own report of each period beside the partnership's", async () => {
    const links = [...body(await showReports(as(ADMIN), reader)).matchAll(/href="(\/reports\/[^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual(['/reports/monthly/2026-03', '/reports/monthly/2026-03/jurisdictions/ky-dcbs', '/reports/monthly/2026-02', '/reports/monthly/2026-02/jurisdictions/ky-dcbs', '/reports/quarterly/2026-Q1', '/reports/quarterly/2026-Q1/jurisdictions/ky-dcbs']);
  });

  it('give platform admins the run form (cadence, period, CSRF token) posting to /reports/runs', async () => {
    const html = body(await showRunForm(as(PLATFORM), reader));
    expect(html).toContain('<form class="usa-form" method="post" action="/reports/runs">');
    expect(html).toMatch(/<input type="hidden" name="[^"]+" value="csrf-token"\/>/);
    expect(html).toContain('name="cadence"');
    expect(html).toContain('name="periodId"');
  });

  it('wrap the stored fragment in the layout, with links to every table file and the manifest', async () => {
    const r = await showReport(as(LEAD), reader, 'monthly', '2026-03');
    expect(r.statusCode).toBe(200);
    expect(body(r)).toContain('<div class="npcs-report-body"><article><h1>Partnership report</h1></article></div>');
    for (const f of FILES) expect(body(r)).toContain(`href="/reports/monthly/2026-03/files/${f}" download`);
    expect(body(r)).not.toContain('/jurisdictions/');
    const own = await showOwnReport(as(ADMIN), reader, 'monthly', '2026-03', 'ky-dcbs');
    expect(body(own)).toContain('Kentucky DCBS: own report');
    expect(body(own)).toContain('href="/reports/monthly/2026-03/jurisdictions/ky-dcbs/files/reviews_by_incident_type.period.csv" download');
  });

  it('answer 404 with what is missing: no such release, a malformed address, a jurisdiction without a report', async () => {
    const none = await showReport(as(LEAD), reader, 'monthly', '2026-04');
    expect(none.statusCode).toBe(404);
    expect(body(none)).toContain('No monthly report of 2026-04 has been published.');
    for (const [cadence, periodId] of [['weekly', '2026-03'], ['monthly', '2026-Q1'], ['quarterly', '2026-03'], ['monthly', '2026-13'], ['monthly', '../x']]) {
      const bad = await showReport(as(LEAD), reader, cadence!, periodId!);
      expect(bad.statusCode, `${cadence}/${periodId}`).toBe(404);
      expect(body(bad)).toContain('A report address is /reports/monthly/&lt;month>');
    }
    const noOwn = await showOwnReport(as({ ...ADMIN, jurisdictionId: 'az-dcs' }), reader, 'monthly', '2026-03', 'az-dcs');
    expect(noOwn.statusCode).toBe(404);
    expect(body(noOwn)).toContain('has no report of your jurisdiction');
  });

  it('send files as attachments of their type, base64-encoded, Parquet byte for byte', async () => {
    const csv = await reportFile(as(LEAD), reader, 'monthly', '2026-03', 'reviews_by_incident_type.period.csv');
    expect(csv.headers).toMatchObject({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="report-monthly-2026-03-partnership-reviews_by_incident_type.period.csv"', 'cache-control': 'no-store' });
    expect(csv.isBase64Encoded).toBe(true);
    expect(Buffer.from(body(csv), 'base64').toString('utf8')).toBe('jurisdiction,fatality\r\nky-dcbs,23\r\n');
    const parquet = await reportFile(as(LEAD), reader, 'monthly', '2026-03', 'reviews_by_incident_type.period.parquet');
    expect(parquet.headers?.['content-type']).toBe('application/vnd.apache.parquet');
    expect(new Uint8Array(Buffer.from(body(parquet), 'base64'))).toEqual(PARQUET);
    const manifest = await reportFile(as(LEAD), reader, 'monthly', '2026-03', 'manifest.json');
    expect(manifest.headers?.['content-type']).toBe('application/json; charset=utf-8');
    const own = await ownReportFile(as(ADMIN), reader, 'monthly', '2026-03', 'ky-dcbs', 'reviews_by_incident_type.period.csv');
    expect(Buffer.from(body(own), 'base64').toString('utf8')).toContain('ky-dcbs,9');
    expect(own.headers?.['content-disposition']).toBe('attachment; filename="report-monthly-2026-03-ky-dcbs-reviews_by_incident_type.period.csv"');
  });

  it('answer 404 for a file the release does not list or a name that is not a file of a report', async () => {
    for (const name of ['reviews_by_incident_type.period.json', 'other.csv', '..%2Fsecrets.csv', 'report.html', '.csv', 'a/b.csv']) {
      const r = await reportFile(as(LEAD), reader, 'monthly', '2026-03', name);
      expect(r.statusCode, name).toBe(404);
      expect(r.headers?.['content-type'], name).toBe('text/html; charset=utf-8');
    }
    // Listed for the partnership, not in the jurisdiction's own files.
    expect((await ownReportFile(as(ADMIN), reader, 'monthly', '2026-03', 'ky-dcbs', 'manifest.json')).statusCode).toBe(404);
  });
});
