import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it, vi } from 'vitest';
import { getForm, latestVersion } from '#shared/forms/registry.ts';
import { renderModel } from '#shared/forms/render-model.ts';
import { durationWords, FORM_POLICIES, MIN_SURVEY_GROUP, SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES } from '#shared/policy.ts';
import { RECORD_FORMS } from '#shared/records/model.ts';
import { SurveyPage, WavesPage } from '#shared/survey/web/pages.tsx';

/** Pages say what the code does: their wording comes from shared/policy.ts. */
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('policy values', () => {
  it('give every record form a policy, and no other form one', () => {
    expect(Object.keys(FORM_POLICIES).sort()).toEqual([...RECORD_FORMS].sort());
  });

  it('say session lengths in words', () => {
    expect(durationWords(30)).toBe('30 minutes');
    expect(durationWords(1)).toBe('1 minute');
    expect(durationWords(60)).toBe('1 hour');
    expect(durationWords(12 * 60)).toBe('12 hours');
    expect(durationWords(90)).toBe('90 minutes');
  });

  it('the survey pages promise the minimum group size the policy sets, everywhere they name one', () => {
    const survey = getForm('safety_culture_survey', latestVersion('safety_culture_survey'));
    const pages = [
      renderToString(
        h(SurveyPage, {
          wave: { jurisdictionId: 'ky-dcbs', title: 'Spring' },
          token: 'a'.repeat(22),
          jurisdictionName: 'Kentucky',
          form: renderModel(survey, { units: [{ code: 'u1', label: 'Unit 1' }] }),
          visibility: { fields: {}, sections: {} } as never,
          answers: {},
          errors: [],
          csrf: 't',
          submissionId: 's',
        }),
      ),
      renderToString(h(WavesPage, { jurisdictionName: 'Kentucky', waves: [], today: '2026-01-01', appOrigin: 'http://x', csrf: 't', errors: [], hasUnits: true })),
    ].map(text);
    for (const page of pages) {
      const sizes = [...page.matchAll(/groups of (\d+) or more/g)].map((m) => Number(m[1]));
      expect(sizes.length, page).toBeGreaterThan(0);
      expect(new Set(sizes)).toEqual(new Set([MIN_SURVEY_GROUP]));
    }
  });

  it('the sign-in help page states the session lengths in force (the defaults, or the environment)', async () => {
    const help = async () => {
      vi.resetModules();
      const { handler } = await import('../../functions/web/pages.tsx');
      const event = {
        version: '2.0',
        routeKey: 'GET /sign-in-help',
        rawPath: '/sign-in-help',
        rawQueryString: '',
        headers: { accept: 'text/html' },
        requestContext: { http: { method: 'GET', path: '/sign-in-help' }, requestId: 'r', routeKey: 'GET /sign-in-help' },
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2;
      const context = { awsRequestId: 'req', functionName: 'web', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
      const res = (await handler(event, context)) as { statusCode: number; body: string };
      expect(res.statusCode).toBe(200);
      return text(res.body);
    };
    vi.stubEnv('TABLE_NAME', 'unit-table');
    vi.stubEnv('CSRF_SECRET', 'unit-test-csrf-secret-of-at-least-32-bytes!!');
    vi.stubEnv('APP_ORIGIN', 'http://localhost:3000');
    try {
      expect(await help()).toContain(`A session ends after ${durationWords(SESSION_IDLE_MINUTES)} without activity, and ${durationWords(SESSION_ABSOLUTE_HOURS * 60)} after sign-in`);
      vi.stubEnv('SESSION_IDLE_MINUTES', '45');
      vi.stubEnv('SESSION_ABSOLUTE_HOURS', '8');
      expect(await help()).toContain('A session ends after 45 minutes without activity, and 8 hours after sign-in');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
