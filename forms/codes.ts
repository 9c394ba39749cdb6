/**
 * Code lists shared by the forms. Codes are stable: they are stored, exported and compared across versions.
 * A published form version embeds these lists in its locked hash, so editing a list that a published version
 * uses fails the lock test: add a new list (e.g. `THEMES_V2`) for the next form version instead.
 */
import type { Choice, Noun, ResponseScale } from './types.ts';

/** Improvement-opportunity and safety-notice themes (one list, so notices and reviews can be joined). */
export const THEMES = [
  { code: 'interagency_coordination', label: 'Teamwork and coordination with outside agencies' },
  { code: 'economic_support', label: 'Economic support for families' },
  { code: 'internal_teamwork', label: 'Teamwork and communication within the agency' },
  { code: 'workload_staffing', label: 'Workload and staffing' },
  { code: 'supervision', label: 'Supervision and consultation' },
  { code: 'training', label: 'Training and skill building' },
  { code: 'policy_guidance', label: 'Policy and practice guidance' },
  { code: 'assessment_tools', label: 'Safety and risk assessment tools' },
  { code: 'information_sharing', label: 'Information sharing and data systems' },
  { code: 'family_engagement', label: 'Family engagement and voice' },
  { code: 'behavioral_health', label: 'Access to mental health and substance use services' },
  { code: 'safe_sleep', label: 'Safe sleep and infant safety' },
  { code: 'housing', label: 'Housing stability' },
  { code: 'domestic_violence', label: 'Response to domestic violence' },
  { code: 'health_care', label: 'Coordination with health care' },
  { code: 'courts_legal', label: 'Courts and legal processes' },
  { code: 'staff_wellbeing', label: 'Staff wellbeing and secondary trauma' },
  { code: 'community_prevention', label: 'Community prevention and supports' },
  { code: 'other', label: 'Other' },
] as const satisfies readonly Choice[];

/**
 * Race in the OMB 1997 minimum categories, as AFCARS and NCANDS collect them (multi-select, with ethnicity
 * asked separately). The 2024 SPD 15 revision (combined question, Middle Eastern or North African) is a
 * candidate for a later form version, with its own list.
 */
export const RACE = [
  { code: 'american_indian_alaska_native', label: 'American Indian or Alaska Native' },
  { code: 'asian', label: 'Asian' },
  { code: 'black_african_american', label: 'Black or African American' },
  { code: 'native_hawaiian_pacific_islander', label: 'Native Hawaiian or Other Pacific Islander' },
  { code: 'white', label: 'White' },
  { code: 'unknown', label: 'Unknown', exclusive: true },
  { code: 'declined', label: 'Declined to answer', exclusive: true },
] as const satisfies readonly Choice[];

export const ETHNICITY = [
  { code: 'hispanic_latino', label: 'Hispanic or Latino' },
  { code: 'not_hispanic_latino', label: 'Not Hispanic or Latino' },
  { code: 'unknown', label: 'Unknown' },
  { code: 'declined', label: 'Declined to answer' },
] as const satisfies readonly Choice[];

export const SEX = [
  { code: 'female', label: 'Female' },
  { code: 'male', label: 'Male' },
  { code: 'unknown', label: 'Unknown' },
] as const satisfies readonly Choice[];

/** Child age at the incident, banded at collection so no birth date is ever stored. */
export const CHILD_AGE_BANDS = [
  { code: 'under_1', label: 'Under 1 year' },
  { code: '1_to_2', label: '1 to 2 years' },
  { code: '3_to_5', label: '3 to 5 years' },
  { code: '6_to_11', label: '6 to 11 years' },
  { code: '12_to_17', label: '12 to 17 years' },
  { code: '18_plus', label: '18 years or older' },
  { code: 'unknown', label: 'Unknown' },
] as const satisfies readonly Choice[];

export const INCIDENT_TYPES = [
  { code: 'fatality', label: 'Fatality' },
  { code: 'near_fatality', label: 'Near fatality' },
] as const satisfies readonly Choice[];

export const CAUSE_CATEGORIES = [
  { code: 'sudden_unexpected_infant_death', label: 'Sudden unexpected infant death' },
  { code: 'abusive_head_trauma', label: 'Abusive head trauma' },
  { code: 'other_physical_abuse', label: 'Other physical abuse' },
  { code: 'neglect', label: 'Neglect or lack of supervision' },
  { code: 'drowning', label: 'Drowning' },
  { code: 'ingestion_poisoning', label: 'Ingestion or poisoning' },
  { code: 'firearm', label: 'Firearm' },
  { code: 'vehicle', label: 'Motor vehicle' },
  { code: 'suicide_self_harm', label: 'Suicide or self-harm' },
  { code: 'medical', label: 'Medical condition' },
  { code: 'other', label: 'Other' },
  { code: 'unknown', label: 'Unknown or undetermined' },
] as const satisfies readonly Choice[];

export const CUSTODY_STATUS = [
  { code: 'not_in_custody', label: 'Not in custody' },
  { code: 'in_state_custody', label: 'In state or county custody' },
  { code: 'in_tribal_custody', label: 'In tribal custody' },
  { code: 'exited_12_months', label: 'Left custody in the 12 months before the incident' },
  { code: 'unknown', label: 'Unknown' },
] as const satisfies readonly Choice[];

export const PLACEMENT_TYPES = [
  { code: 'kin_foster_home', label: 'Relative or kin foster home' },
  { code: 'non_kin_foster_home', label: 'Non-relative foster home' },
  { code: 'congregate_care', label: 'Group home or residential care' },
  { code: 'trial_home_visit', label: 'Trial home visit with parents' },
  { code: 'other', label: 'Other placement' },
  { code: 'unknown', label: 'Unknown' },
] as const satisfies readonly Choice[];

export const REVIEW_STAGES = [
  { code: 'initial', label: 'Initial review' },
  { code: 'full_systems_analysis', label: 'Full systems analysis' },
] as const satisfies readonly Choice[];

export const TEAM_ROLES = [
  { code: 'frontline_staff', label: 'Frontline child welfare staff' },
  { code: 'supervisor', label: 'Child welfare supervisor' },
  { code: 'agency_leadership', label: 'Agency leadership' },
  { code: 'safety_specialist', label: 'Safety science or quality specialist' },
  { code: 'law_enforcement', label: 'Law enforcement' },
  { code: 'medical_examiner', label: 'Medical examiner or coroner' },
  { code: 'health_care', label: 'Health care' },
  { code: 'behavioral_health', label: 'Mental health or substance use treatment' },
  { code: 'education', label: 'Education' },
  { code: 'legal_court', label: 'Legal or court' },
  { code: 'community_partner', label: 'Community partner' },
  { code: 'lived_experience', label: 'Person with lived experience' },
  { code: 'other', label: 'Other' },
] as const satisfies readonly Choice[];

export const PARTNER_SCOPE = [
  { code: 'internal', label: 'Inside the agency' },
  { code: 'external', label: 'With an outside partner' },
] as const satisfies readonly Choice[];

export const EXTERNAL_PARTNERS = [
  { code: 'law_enforcement', label: 'Law enforcement' },
  { code: 'health_care', label: 'Health care' },
  { code: 'behavioral_health', label: 'Mental health or substance use treatment' },
  { code: 'education', label: 'Education or child care' },
  { code: 'courts', label: 'Courts' },
  { code: 'community_organization', label: 'Community organization' },
  { code: 'other_government', label: 'Other government agency' },
  { code: 'other', label: 'Other' },
] as const satisfies readonly Choice[];

export const IMPROVEMENT_STATUS = [
  { code: 'proposed', label: 'Proposed' },
  { code: 'planned', label: 'Planned' },
  { code: 'in_progress', label: 'In progress' },
  { code: 'completed', label: 'Completed' },
  { code: 'not_pursued', label: 'Not pursued' },
] as const satisfies readonly Choice[];

export const IMPROVEMENT_OPPORTUNITY: Noun = { one: 'improvement opportunity', other: 'improvement opportunities' };

/** Systemic factor rating, 0-3 (our wording of a communimetric "how much did this contribute" scale). */
export const SYSTEMIC_FACTOR_ANCHORS = [
  'Not a factor',
  'Possible factor, worth watching',
  'Contributed',
  'Contributed strongly',
] as const;

export const NOTICE_TYPES = [
  { code: 'alert', label: 'Alert: act now' },
  { code: 'advisory', label: 'Advisory: review your practice' },
  { code: 'lesson_learned', label: 'Lesson learned' },
] as const satisfies readonly Choice[];

export const NOTICE_AUDIENCES = [
  { code: 'frontline_staff', label: 'Frontline staff' },
  { code: 'supervisors', label: 'Supervisors' },
  { code: 'leadership', label: 'Agency leadership' },
  { code: 'policy_staff', label: 'Policy staff' },
  { code: 'training_staff', label: 'Training staff' },
  { code: 'community_partners', label: 'Community partners' },
] as const satisfies readonly Choice[];

export const ROLE_BANDS = [
  { code: 'frontline', label: 'Frontline staff (casework, investigation, in-home services)' },
  { code: 'supervisor', label: 'Supervisor' },
  { code: 'manager', label: 'Manager or administrator' },
  { code: 'support', label: 'Support or specialist staff' },
  { code: 'declined', label: 'Prefer not to say' },
] as const satisfies readonly Choice[];

export const TENURE_BANDS = [
  { code: 'under_1', label: 'Less than 1 year' },
  { code: '1_to_2', label: '1 to 2 years' },
  { code: '3_to_5', label: '3 to 5 years' },
  { code: '6_to_10', label: '6 to 10 years' },
  { code: 'over_10', label: 'More than 10 years' },
  { code: 'declined', label: 'Prefer not to say' },
] as const satisfies readonly Choice[];

export const INTENT_TO_STAY = [
  { code: 'very_likely', label: 'Very likely' },
  { code: 'likely', label: 'Likely' },
  { code: 'unsure', label: 'Not sure' },
  { code: 'unlikely', label: 'Unlikely' },
  { code: 'very_unlikely', label: 'Very unlikely' },
  { code: 'declined', label: 'Prefer not to say' },
] as const satisfies readonly Choice[];

/** Five-point agreement; positive = agree or strongly agree. */
export const AGREE_5 = {
  id: 'agree_5',
  points: [
    { value: 1, label: 'Strongly disagree' },
    { value: 2, label: 'Disagree' },
    { value: 3, label: 'Neither agree nor disagree' },
    { value: 4, label: 'Agree' },
    { value: 5, label: 'Strongly agree' },
  ],
  positiveMin: 4,
} as const satisfies ResponseScale;

/** Seven-point extent scale (safety organizing); positive = the top two points. */
export const EXTENT_7 = {
  id: 'extent_7',
  points: [
    { value: 1, label: 'Not at all' },
    { value: 2, label: 'To a very slight extent' },
    { value: 3, label: 'To a slight extent' },
    { value: 4, label: 'To a moderate extent' },
    { value: 5, label: 'To a considerable extent' },
    { value: 6, label: 'To a great extent' },
    { value: 7, label: 'To a very great extent' },
  ],
  positiveMin: 6,
} as const satisfies ResponseScale;
