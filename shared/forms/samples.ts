/**
 * Complete, valid example answers for each form (fictional, no real case): for tests, the bench, local
 * seeding and API examples. Typed with AnswersOf, so a definition change that breaks them fails to compile.
 */
import type { criticalIncidentReviewV1, safetyCultureSurveyV1, safetyNoticeV1, safetyNoticeV2 } from '#forms/index.ts';
import type { AnswersOf } from './types.ts';

type Review = AnswersOf<typeof criticalIncidentReviewV1>;
type Opportunity = NonNullable<Review['improvement_opportunities']>[number];

const THEME_CYCLE = ['interagency_coordination', 'economic_support', 'supervision', 'information_sharing', 'safe_sleep'] as const;

/** A full-systems-analysis review with `opportunities` improvement opportunities (0-25). */
export function sampleCriticalIncidentReview(opportunities = 10): Review {
  const ratings = {
    sf_case_complexity: 2,
    sf_risk_information: 3,
    sf_family_engagement: 1,
    sf_caregiver_capacity: 2,
    sf_child_vulnerability: 3,
    sf_workload: 3,
    sf_supervision: 2,
    sf_staff_preparation: 1,
    sf_team_communication: 2,
    sf_staff_strain: 2,
    sf_policy_fit: 1,
    sf_tools_systems: 2,
    sf_assessment_support: 1,
    sf_service_array: 2,
    sf_learning_culture: 0,
    sf_interagency_coordination: 3,
    sf_economic_supports: 2,
    sf_health_systems: 1,
    sf_courts_legal: 0,
    sf_community_resources: 1,
  } as const;
  const rationales = Object.fromEntries(
    Object.entries(ratings)
      .filter(([, rating]) => rating > 0)
      .map(([name]) => [`${name}_rationale`, 'The team found this shaped the work in the weeks before the incident.']),
  ) as Partial<Review>;
  const items: Opportunity[] = Array.from({ length: opportunities }, (_, i) => ({
    io_theme: THEME_CYCLE[i % THEME_CYCLE.length],
    io_partner_scope: i % 2 === 0 ? 'internal' : 'external',
    ...(i % 2 === 0 ? {} : { io_external_partner: 'health_care' as const }),
    io_description: `Finding ${i + 1}: handoffs between the hotline and field staff lost information about infant sleep arrangements.`,
    io_recommendation: 'Add a structured safe-sleep check to the handoff template and review it in supervision.',
    io_owner: 'Intake program manager',
    io_due_date: '2024-12-31',
    io_status: i % 3 === 0 ? 'in_progress' : 'planned',
  }));
  return {
    review_id: 'CIR-2024-017',
    incident_type: 'near_fatality',
    incident_date: '2024-03-02',
    notification_date: '2024-03-04',
    review_date: '2024-04-01',
    cause_category: 'sudden_unexpected_infant_death',
    child_age_band: 'under_1',
    child_sex: 'female',
    child_race: ['black_african_american', 'white'],
    child_ethnicity: 'not_hispanic_latino',
    open_case: 'yes',
    prior_contact_24m: 'yes',
    prior_contact_count: 4,
    prior_report_count: 2,
    prior_substantiated: 'no',
    custody_status: 'not_in_custody',
    review_stage: 'full_systems_analysis',
    team_composition: ['frontline_staff', 'supervisor', 'safety_specialist', 'health_care', 'law_enforcement'],
    debrief_held: 'yes',
    debrief_date: '2024-03-20',
    ...ratings,
    ...rationales,
    improvement_opportunities: items,
    narrative:
      'An infant was found unresponsive after an unsafe sleep arrangement. The family had an open in-home case. The review found that information about sleep arrangements did not travel between the hotline and field staff, and that workload in the unit was high.',
  };
}

/** A survey response with every item answered. */
export function sampleSurveyResponse(unit: string, seed = 0): AnswersOf<typeof safetyCultureSurveyV1> {
  const five = (i: number): number => ((seed + i) % 5) + 1;
  const seven = (i: number): number => ((seed + i) % 7) + 1;
  return {
    unit,
    role_band: 'frontline',
    tenure_band: '3_to_5',
    intent_to_stay: 'likely',
    sc_report_concern: five(4),
    sc_leaders_prioritize: five(3),
    sc_learn_not_blame: five(2),
    sc_feedback: five(3),
    sc_errors_discussed: five(1),
    sc_know_channels: five(4),
    ps_mistakes_remembered: five(1),
    ps_raise_problems: five(3),
    ps_difference_excluded: five(0),
    ps_try_new: five(3),
    ps_help_hard: five(1),
    ps_no_undermining: five(4),
    ps_skills_used: five(3),
    so_anticipate: seven(4),
    so_expertise: seven(5),
    so_alternatives: seven(3),
    so_shared_picture: seven(4),
    so_near_misses: seven(2),
    so_revisit: seven(3),
    so_know_strengths: seven(5),
    so_recover: seven(6),
    so_early_warning: seven(4),
    sr_fatigue: five(3),
    sr_workload: five(4),
    sr_tense_situations: five(2),
    sr_decisions: five(3),
    ee_used_up: five(2),
    ee_burned_out: five(1),
    ee_dread: five(1),
    ee_frustrated: five(2),
    ee_emotional_demands: five(3),
    wc_belong: five(3),
    wc_support: five(4),
    wc_valued: five(2),
    wc_connected: five(3),
  };
}

/** A notice of the latest version, the one new notices are written with. */
export function sampleSafetyNotice(jurisdiction: string): AnswersOf<typeof safetyNoticeV2> {
  return {
    issuing_jurisdiction: jurisdiction,
    notice_type: 'lesson_learned',
    theme: 'safe_sleep',
    title: 'Ask about sleep arrangements at every home visit with an infant',
    notice_date: '2024-05-01',
    systemic_issue: 'Sleep arrangements were recorded at intake but not carried into the in-home case plan.',
    evidence: 'Four of the eleven infant reviews approved in 2023 found the same gap; the visit checklists of two units had no sleep question.',
    actions: [
      { action: 'Add sleep arrangements to the in-home visit checklist.' },
      { action: 'Check the sleep arrangements question in supervision for every open case with an infant.' },
    ],
    acknowledge_by: '2024-05-15',
    act_by: '2024-08-31',
    audience: ['frontline_staff', 'supervisors'],
    review_by_date: '2025-05-01',
    contact_role: 'Safety science team',
    contact_mailbox: 'safety-notices@agency.example.gov',
  };
}

/** A notice as version 1 asked it: for records stored before version 2 (they keep version 1). */
export function sampleSafetyNoticeV1(jurisdiction: string): AnswersOf<typeof safetyNoticeV1> {
  return {
    issuing_jurisdiction: jurisdiction,
    notice_date: '2024-05-01',
    notice_type: 'lesson_learned',
    theme: 'safe_sleep',
    title: 'Ask about sleep arrangements at every home visit with an infant',
    systemic_issue: 'Sleep arrangements were recorded at intake but not carried into the in-home case plan.',
    recommended_actions: 'Add sleep arrangements to the in-home visit checklist; check it in supervision.',
    audience: ['frontline_staff', 'supervisors'],
    review_by_date: '2025-05-01',
    contact_mailbox: 'safety-notices@agency.example.gov',
  };
}
