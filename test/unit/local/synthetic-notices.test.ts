import { describe, expect, it } from 'vitest';
import { safetyNoticeV2 } from '#forms/index.ts';
import { validateSubmission } from '#shared/forms/validate.ts';
import { SYNTHETIC_NOTICE_VERSION, syntheticNoticeAnswers } from '#local/synthetic-reviews.ts';
import { seededRandom } from '#local/survey-demo-answers.ts';

describe('synthetic safety notices (the demo reports and warehouse)', () => {
  it('are written with the latest notice version, as every new notice is', () => {
    expect(SYNTHETIC_NOTICE_VERSION).toBe(safetyNoticeV2.version);
  });

  it('are valid submissions of that version, their deadlines in order, whenever they were approved', () => {
    const random = seededRandom('synthetic-notices-test');
    const context = { jurisdictions: [{ code: 'ky-dcbs', label: 'Kentucky' }], today: '2026-12-04' };
    for (let i = 0; i < 200; i++) {
      // Approvals from four years back, as the warehouse's seed writes them, up to the reports' today.
      const approvedAt = new Date(Date.parse('2022-12-04T00:00:00Z') + Math.floor(random() * 4 * 365) * 86_400_000);
      const answers = syntheticNoticeAnswers(random, 'ky-dcbs', approvedAt, i);
      const result = validateSubmission(safetyNoticeV2, answers, context);
      expect(result.ok ? [] : result.errors, JSON.stringify(answers)).toStrictEqual([]);
      expect(answers.notice_date! <= approvedAt.toISOString().slice(0, 10)).toBe(true);
    }
  });
});
