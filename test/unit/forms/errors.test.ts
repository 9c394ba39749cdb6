import { describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1 as review, safetyCultureSurveyV1 as survey, safetyNoticeV1 as noticeV1, safetyNoticeV2 as notice } from '#forms/index.ts';
import { ValidationError } from '#shared/errors.ts';
import { sampleCriticalIncidentReview, sampleSafetyNotice, sampleSafetyNoticeV1, sampleSurveyResponse } from '#shared/forms/samples.ts';
import { defaultToday } from '#shared/forms/schema.ts';
import { assertSubmission, validateDraft, validateSubmission } from '#shared/forms/validate.ts';
import { TEST_CONTEXT } from './fixtures.ts';

const ctx = TEST_CONTEXT;
const errorsOf = (result: ReturnType<typeof validateSubmission>) => (result.ok ? [] : result.errors);
const submit = (answers: unknown) => errorsOf(validateSubmission(review, answers, ctx));

describe('readable errors', () => {
  it('the samples are valid submissions', () => {
    expect(validateSubmission(review, sampleCriticalIncidentReview(), ctx).ok).toBe(true);
    expect(validateSubmission(survey, sampleSurveyResponse('north'), ctx).ok).toBe(true);
    expect(validateSubmission(notice, sampleSafetyNotice('ky'), ctx).ok).toBe(true);
    expect(validateSubmission(noticeV1, sampleSafetyNoticeV1('ky'), ctx).ok).toBe(true);
  });

  it("a notice's deadlines out of order, and its actions outside 1 to 10", () => {
    const notify = (changes: Record<string, unknown>) => errorsOf(validateSubmission(notice, { ...sampleSafetyNotice('ky'), ...changes }, ctx));
    expect(notify({ acknowledge_by: '2024-04-30', act_by: '2024-04-30', review_by_date: '2024-04-30' })).toStrictEqual([
      { field: 'acknowledge_by', message: "Acknowledgement deadline can't be before the notice date" },
    ]);
    expect(notify({ act_by: '2024-05-14', review_by_date: '2024-05-13' })).toStrictEqual([
      { field: 'act_by', message: "Action deadline can't be before the acknowledgement deadline" },
      { field: 'review_by_date', message: "Review or expiry date can't be before the action deadline" },
    ]);
    expect(notify({ actions: [] })).toStrictEqual([{ field: 'actions', message: 'Add at least 1 action' }]);
    expect(notify({ actions: Array.from({ length: 11 }, () => ({ action: 'Check the checklist.' })) })).toStrictEqual([
      { field: 'actions', message: 'Enter no more than 10 actions' },
    ]);
    expect(notify({ actions: [{ action: 'x'.repeat(1001) }] })).toStrictEqual([
      { field: 'actions[0].action', message: expect.stringMatching(/^Action .*1,?000 characters/) },
    ]);
  });

  it('a notification date before the incident date', () => {
    expect(submit({ ...sampleCriticalIncidentReview(), notification_date: '2024-03-01' })).toContainEqual({
      field: 'notification_date',
      message: "Notification date can't be before the incident date",
    });
  });

  it('too many improvement opportunities', () => {
    expect(submit({ ...sampleCriticalIncidentReview(26) })).toStrictEqual([
      { field: 'improvement_opportunities', message: 'Enter no more than 25 improvement opportunities' },
    ]);
  });

  it('a due date inside a repeating group, named by its path', () => {
    const answers = sampleCriticalIncidentReview(3);
    const opportunities = answers.improvement_opportunities ?? [];
    opportunities[2] = { ...opportunities[2], io_due_date: '2024-01-15' };
    expect(submit(answers)).toStrictEqual([
      { field: 'improvement_opportunities[2].io_due_date', message: "Due date can't be before the review date" },
    ]);
  });

  it('a required field in a repeating-group entry, and one shown by a sibling answer', () => {
    const answers = sampleCriticalIncidentReview(2);
    const opportunities = answers.improvement_opportunities ?? [];
    const { io_theme: _theme, ...withoutTheme } = opportunities[0] ?? {};
    opportunities[0] = withoutTheme;
    opportunities[1] = { ...opportunities[1], io_partner_scope: 'external', io_external_partner: undefined };
    expect(submit(answers)).toStrictEqual([
      { field: 'improvement_opportunities[0].io_theme', message: 'Theme is required' },
      { field: 'improvement_opportunities[1].io_external_partner', message: 'Outside partner is required' },
    ]);
  });

  it('unknown fields, at the top and inside an entry', () => {
    const answers = { ...sampleCriticalIncidentReview(1), child_name: 'x' } as Record<string, unknown>;
    (answers.improvement_opportunities as Record<string, unknown>[])[0]!.caseworker = 'y';
    expect(submit(answers)).toStrictEqual([
      { field: 'improvement_opportunities[0].caseworker', message: 'This is not a question on this form' },
      { field: 'child_name', message: 'This is not a question on this form' },
    ]);
  });

  it('wrong types, codes outside the list, text over its limit, dates in the future', () => {
    const errors = submit({
      ...sampleCriticalIncidentReview(0),
      prior_report_count: '2',
      incident_type: 'homicide',
      narrative: 'a'.repeat(10_001),
      incident_date: '2025-07-01',
      notification_date: '2025-07-02',
      review_date: '2025-07-02',
      child_race: ['white', 'declined'],
      review_id: 'CIR 17/2024',
      debrief_date: '2024-02-30',
    });
    expect(errors).toStrictEqual([
      { field: 'review_id', message: 'Review ID can only use letters, numbers and dashes' },
      { field: 'incident_type', message: 'Choose one of the listed options for Incident type' },
      { field: 'incident_date', message: "Incident date can't be in the future" },
      { field: 'notification_date', message: "Notification date can't be in the future" },
      { field: 'review_date', message: "Review date can't be in the future" },
      { field: 'child_race', message: '“Declined to answer” can\'t be combined with other answers for Race of the child' },
      { field: 'prior_report_count', message: 'Number of earlier maltreatment reports about the family must be a whole number' },
      { field: 'debrief_date', message: 'Debriefing date must be a real date written as YYYY-MM-DD' },
      { field: 'narrative', message: 'De-identified narrative must be 10,000 characters or fewer (it has 10,001)' },
    ]);
  });

  it('a rating off its scale, a survey item off its scale, an email that is not one', () => {
    expect(submit({ ...sampleCriticalIncidentReview(), sf_workload: 4 })).toStrictEqual([
      { field: 'sf_workload', message: 'Caseload and workload must be a rating from 0 to 3' },
    ]);
    expect(errorsOf(validateSubmission(survey, { ...sampleSurveyResponse('north'), so_recover: 8 }, ctx))).toStrictEqual([
      {
        field: 'so_recover',
        message:
          'Choose a point from 1 (not at all) to 7 (to a very great extent) for “When something unexpected happens, we pull together to sort it out.”',
      },
    ]);
    expect(errorsOf(validateSubmission(notice, { ...sampleSafetyNotice('ky'), contact_mailbox: 'Jane Doe' }, ctx))).toStrictEqual([
      { field: 'contact_mailbox', message: 'Contact mailbox must be an email address, like safety-team@agency.gov' },
    ]);
  });

  it('a lookup code outside the jurisdiction list', () => {
    expect(errorsOf(validateSubmission(survey, { ...sampleSurveyResponse('west') }, ctx))).toStrictEqual([
      { field: 'unit', message: 'Choose one of the listed options for Your unit or office' },
    ]);
  });

  it('answers that are not an object', () => {
    for (const bad of [null, [], 'answers', 42]) {
      expect(submit(bad)).toStrictEqual([{ field: '', message: 'The answers must be sent as an object with one entry per question' }]);
    }
  });

  it('a required question answered with spaces only is still unanswered (and the spaces are kept in a draft)', () => {
    expect(submit({ ...sampleCriticalIncidentReview(), narrative: '   ' })).toStrictEqual([
      { field: 'narrative', message: 'De-identified narrative is required' },
    ]);
    expect(validateDraft(review, { narrative: '   ' }, ctx)).toStrictEqual({ ok: true, answers: { narrative: '   ' } });
  });
});

describe('answers kept as typed', () => {
  it('text that looks like HTML or script is kept exactly', () => {
    const narrative = '<script>alert("x")</script><img src=x onerror=alert(1)> & &amp; \u0000 \u202E';
    const result = validateSubmission(review, { ...sampleCriticalIncidentReview(), narrative }, ctx);
    expect(result.ok && result.answers.narrative).toBe(narrative);
  });

  it('null and empty answers mean "no answer" and are not kept', () => {
    const result = validateDraft(review, { narrative: '', review_id: null, child_race: [], improvement_opportunities: [] }, ctx);
    expect(result).toStrictEqual({ ok: true, answers: {} });
  });

  it('answers to hidden fields are dropped, even when they would be invalid', () => {
    const answers = {
      ...sampleCriticalIncidentReview(),
      custody_status: 'not_in_custody',
      placement_type: 'not_a_code',
      months_in_custody: 'lots',
      review_stage: 'initial',
    };
    const result = validateSubmission(review, answers, ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.answers).not.toHaveProperty('placement_type');
    expect(result.answers).not.toHaveProperty('months_in_custody');
    expect(Object.keys(result.answers).filter((k) => k.startsWith('sf_'))).toStrictEqual([]);
  });

  it('a key named __proto__ is rejected as unknown, not merged into the prototype', () => {
    const answers = JSON.parse('{"__proto__": {"polluted": true}, "narrative": "x"}');
    expect(errorsOf(validateDraft(review, answers, ctx))).toStrictEqual([{ field: '__proto__', message: 'This is not a question on this form' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('throwing variant and context', () => {
  it('assertSubmission returns the kept answers or throws a 422 ValidationError with the field errors', () => {
    expect(assertSubmission(notice, sampleSafetyNotice('ky'), ctx)).toStrictEqual(sampleSafetyNotice('ky'));
    let thrown: unknown;
    try {
      assertSubmission(notice, { ...sampleSafetyNotice('ky'), theme: 'nope' }, ctx);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).status).toBe(422);
    expect((thrown as ValidationError).fieldErrors).toStrictEqual([{ field: 'theme', message: 'Choose one of the listed options for Theme' }]);
  });

  it('a form with a lookup needs its list in the context', () => {
    expect(() => validateSubmission(survey, sampleSurveyResponse('north'), { today: '2025-01-01' })).toThrow(/"units" list/);
  });

  it('checks lookups and "today" against the context given, not a cached one', () => {
    const north = { units: [{ code: 'north', label: 'North' }] };
    const south = { units: [{ code: 'south', label: 'South' }] };
    expect(validateSubmission(survey, sampleSurveyResponse('north'), north).ok).toBe(true);
    expect(validateSubmission(survey, sampleSurveyResponse('north'), south).ok).toBe(false);
    expect(validateSubmission(survey, sampleSurveyResponse('north'), { ...north }).ok).toBe(true);
    const late = { ...sampleSafetyNotice('ky'), notice_date: '2025-06-30', acknowledge_by: '2025-07-15', act_by: '2025-09-30', review_by_date: '2026-06-30' };
    expect(validateSubmission(notice, late, { ...ctx, today: '2025-06-30' }).ok).toBe(true);
    expect(errorsOf(validateSubmission(notice, late, { ...ctx, today: '2025-06-29' }))).toStrictEqual([
      { field: 'notice_date', message: "Notice date can't be in the future" },
    ]);
  });

  it('"today" defaults to the earliest time zone, so no one\'s today is in the future', () => {
    expect(defaultToday(Date.parse('2025-06-30T09:59:59Z'))).toBe('2025-06-30');
    expect(defaultToday(Date.parse('2025-06-30T10:00:00Z'))).toBe('2025-07-01');
  });
});
