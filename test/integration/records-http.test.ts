import { describe, expect, it } from 'vitest';
import { baseUrl, signIn } from './helpers.ts';

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('records API edges (found in review)', () => {
  it('refuses to keep the anonymous survey as a signed record', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const res = await submitter.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records`, json('POST', { formId: 'safety_culture_survey' }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { errors: { field: string; message: string }[] } };
    expect(body.error.errors[0]).toMatchObject({ field: 'formId' });
    expect(body.error.errors[0]!.message).toContain('anonymous');
  });

  it('answers a date range before 1970 with an empty page, not a 500', async () => {
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const res = await reviewer.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records?from=1969-12-30&to=1969-12-31`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items).toEqual([]);
  });
});
