import { describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1, FORM_VERSIONS } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { sampleCriticalIncidentReview, sampleSafetyNotice, sampleSafetyNoticeV1 } from '#shared/forms/samples.ts';
import { countsOf, DATASET_IDS, DATASETS, daysBetween, factorDomainsOf, OTHER, raceEthnicityCategory } from '#shared/reports/datasets.ts';

const review = (answers: Record<string, unknown>, formVersion = 1) => ({ formId: 'critical_incident_review', formVersion, answers });

describe('the datasets', () => {
  it('have unique ids, unique column keys and one `other` column where a code list may grow', () => {
    expect(DATASETS.map((d) => d.id)).toEqual([...DATASET_IDS]);
    for (const d of DATASETS) {
      const keys = d.columns.map((c) => c.key);
      expect(new Set(keys).size, d.id).toBe(keys.length);
      expect(keys, d.id).not.toContain('total');
      if (d.id !== 'review_timeliness') expect(keys.at(-1), d.id).toBe(OTHER);
    }
    // A list's own "other" code and the codes it lacks share one column.
    const cause = DATASETS.find((d) => d.id === 'reviews_by_cause')!;
    expect(cause.columns.filter((c) => c.key === OTHER)).toEqual([{ key: OTHER, label: 'Other or not listed' }]);
  });
});

describe('the race and ethnicity rule (one category per child)', () => {
  it('counts Hispanic or Latino of any race, else the one race, two or more, or unknown', () => {
    expect(raceEthnicityCategory(['white', 'asian'], 'hispanic_latino')).toBe('hispanic_latino');
    expect(raceEthnicityCategory(['unknown'], 'hispanic_latino')).toBe('hispanic_latino');
    expect(raceEthnicityCategory(['white'], 'not_hispanic_latino')).toBe('white');
    expect(raceEthnicityCategory(['black_african_american'], 'unknown')).toBe('black_african_american');
    expect(raceEthnicityCategory(['black_african_american', 'white'], 'not_hispanic_latino')).toBe('two_or_more');
    expect(raceEthnicityCategory(['white', 'white'], 'not_hispanic_latino')).toBe('white');
    // "Unknown" or "declined" beside a race does not make two races.
    expect(raceEthnicityCategory(['asian', 'unknown'], 'declined')).toBe('asian');
    expect(raceEthnicityCategory(['declined'], 'declined')).toBe('unknown');
    expect(raceEthnicityCategory([], undefined)).toBe('unknown');
    expect(raceEthnicityCategory(undefined, undefined)).toBe('unknown');
    // A race a later version adds (SPD 15) is a race: alone it is not listed here, with another it is two or more.
    expect(raceEthnicityCategory(['middle_eastern_north_african'], 'not_hispanic_latino')).toBe(OTHER);
    expect(raceEthnicityCategory(['middle_eastern_north_african', 'white'], 'not_hispanic_latino')).toBe('two_or_more');
    expect(raceEthnicityCategory('asian', 'not_hispanic_latino')).toBe('asian');
  });
});

describe('what one approved record counts', () => {
  it('counts a review once in each review table, its opportunities, its contributing factors and its timeliness', () => {
    const { counts, timelinessDays } = countsOf(review(sampleCriticalIncidentReview(4)));
    expect(timelinessDays).toBe(28);
    expect(counts).toEqual({
      reviews_by_incident_type: { near_fatality: 1 },
      reviews_by_cause: { sudden_unexpected_infant_death: 1 },
      reviews_by_age_band: { under_1: 1 },
      reviews_by_race_ethnicity: { two_or_more: 1 },
      review_timeliness: { within_standard: 1 },
      // The sample cycles themes and alternates internal / health care; statuses in_progress on every third.
      improvement_opportunities_by_theme: { interagency_coordination: 1, economic_support: 1, supervision: 1, information_sharing: 1 },
      improvement_opportunities_by_cause: { sudden_unexpected_infant_death: 4 },
      improvement_opportunities_by_partner: { internal: 2, health_care: 2 },
      improvement_opportunities_by_status: { in_progress: 2, planned: 2 },
      // Ratings of 2 or 3: family and case 4 of 5, team 4, organization 2, outside partners 2.
      systemic_factors_by_domain: { family_case: 4, team_workforce: 4, organizational: 2, external_community: 2 },
    });
  });

  it('puts a review over the standard after 30 days, and leaves it out of timeliness without both dates', () => {
    const base = sampleCriticalIncidentReview(0);
    expect(countsOf(review({ ...base, notification_date: '2024-03-01', review_date: '2024-03-31' })).counts.review_timeliness).toEqual({ within_standard: 1 });
    expect(countsOf(review({ ...base, notification_date: '2024-03-01', review_date: '2024-04-01' })).counts.review_timeliness).toEqual({ over_standard: 1 });
    const { review_date: _gone, ...undated } = base;
    const out = countsOf(review(undated));
    expect(out.counts.review_timeliness).toBeUndefined();
    expect(out.timelinessDays).toBeUndefined();
    expect(out.counts.reviews_by_incident_type).toEqual({ near_fatality: 1 });
    expect(daysBetween('2024-03-04', '2024-03-01')).toBeUndefined();
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2024-02-28T00:00:00Z', '2024-03-01')).toBeUndefined();
  });

  it('counts codes a dataset does not list, and answers a version lacks, in `other`: totals still agree across tables', () => {
    const answers = {
      ...sampleCriticalIncidentReview(0),
      incident_type: 'serious_injury',
      cause_category: 'other',
      child_age_band: undefined,
      improvement_opportunities: [
        { io_theme: 'climate_disaster', io_partner_scope: 'external', io_external_partner: 'tribal_council', io_status: 'deferred' },
        { io_theme: 'training', io_partner_scope: 'shared', io_status: 'completed' },
        { io_theme: 'training', io_partner_scope: 'external', io_status: 'completed' },
        'not a row',
      ],
    };
    const { counts } = countsOf(review(answers));
    expect(counts.reviews_by_incident_type).toEqual({ other: 1 });
    expect(counts.reviews_by_cause).toEqual({ other: 1 });
    expect(counts.reviews_by_age_band).toEqual({ other: 1 });
    expect(counts.improvement_opportunities_by_theme).toEqual({ other: 1, training: 2 });
    expect(counts.improvement_opportunities_by_cause).toEqual({ other: 3 });
    expect(counts.improvement_opportunities_by_partner).toEqual({ other: 3 });
    expect(counts.improvement_opportunities_by_status).toEqual({ other: 1, completed: 2 });
  });

  it('reads the factor domains of the version the record was written with; a domain a later version adds counts in `other`', () => {
    const v2: FormDefinition = {
      ...criticalIncidentReviewV1,
      version: 2,
      sections: [
        ...criticalIncidentReviewV1.sections,
        {
          id: 'factors_legal_environment',
          title: 'Systemic factors: legal environment',
          fields: [{ type: 'rating', name: 'sf_statutes', label: 'Statutes', construct: 'Statutes', required: true, anchors: ['0', '1', '2', '3'], tags: { sensitivity: 'none', deid: 'keep', role: 'measure' } }],
        },
      ],
    };
    expect(factorDomainsOf(v2).get('sf_statutes')).toBe(OTHER);
    expect(factorDomainsOf(v2).get('sf_workload')).toBe('team_workforce');
    const forms = [...FORM_VERSIONS, v2];
    const ratings = { sf_statutes: 3, sf_workload: 2, sf_supervision: 1 };
    expect(countsOf(review(ratings, 2), forms).counts.systemic_factors_by_domain).toEqual({ other: 1, team_workforce: 1 });
    // Version 1 has no sf_statutes: an answer by that name is not a rating of it.
    expect(countsOf(review(ratings, 1), forms).counts.systemic_factors_by_domain).toEqual({ team_workforce: 1 });
    expect(() => countsOf(review(ratings, 9))).toThrow(/critical_incident_review version 9 is not in the form registry/);
  });

  it('counts a safety notice by theme only, and nothing of other forms', () => {
    expect(countsOf({ formId: 'safety_notice', formVersion: 1, answers: sampleSafetyNoticeV1('ky-dcbs') })).toEqual({ counts: { safety_notices_by_theme: { safe_sleep: 1 } } });
    expect(countsOf({ formId: 'safety_notice', formVersion: 2, answers: { ...sampleSafetyNotice('ky-dcbs'), theme: 'housing' } })).toEqual({ counts: { safety_notices_by_theme: { housing: 1 } } });
    expect(countsOf({ formId: 'safety_notice', formVersion: 1, answers: { theme: 'new_theme' } }).counts).toEqual({ safety_notices_by_theme: { other: 1 } });
    expect(countsOf({ formId: 'safety_culture_survey', formVersion: 1, answers: {} }).counts).toEqual({});
  });
});
