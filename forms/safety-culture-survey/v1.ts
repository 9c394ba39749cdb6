/**
 * Safety culture survey, version 1 (published: never edit; add v2.ts instead). Anonymous staff survey.
 * Item wording is ours; each item names the construct it stands for (the validated instruments are licensed).
 * Respondent context is coarse on purpose: no name, email, free text or exact dates.
 */
import { AGREE_5, EXTENT_7, INTENT_TO_STAY, ROLE_BANDS, TENURE_BANDS } from '../codes.ts';
import type { FormDefinition, ResponseScale } from '../types.ts';

const CONTEXT = { sensitivity: 'quasi_identifier', deid: 'keep', role: 'dimension' } as const;

/** One scale item: optional (respondents may skip), a scale item for aggregation. */
function item<N extends string>(
  name: N,
  label: string,
  construct: string,
  scale: ResponseScale,
  reverseScored = false,
) {
  return {
    type: 'likert',
    name,
    label,
    construct,
    scale,
    reverseScored,
    tags: { sensitivity: 'none', deid: 'keep', role: 'scale_item' },
  } as const;
}

const SC = 'Safety climate';
const PS = 'Psychological safety';
const SO = 'Safety organizing';
const SR = 'Stress recognition';
const EE = 'Emotional exhaustion';
const WC = 'Workplace connectedness';

export const safetyCultureSurveyV1 = {
  formId: 'safety_culture_survey',
  version: 1,
  status: 'published',
  title: 'Safety culture survey',
  description:
    'An anonymous survey about how your team and agency work together on safety. Results are only shown for groups of 5 or more people.',
  sections: [
    {
      id: 'about_you',
      title: 'About you',
      description: 'Only broad groups, so that no one can be picked out.',
      fields: [
        { type: 'lookup', name: 'unit', label: 'Your unit or office', required: true, lookup: 'units', tags: CONTEXT },
        { type: 'single_choice', name: 'role_band', label: 'Your role', choices: ROLE_BANDS, tags: CONTEXT },
        {
          type: 'single_choice',
          name: 'tenure_band',
          label: 'How long you have worked at this agency',
          choices: TENURE_BANDS,
          tags: CONTEXT,
        },
        {
          type: 'single_choice',
          name: 'intent_to_stay',
          label: 'How likely you are to still work here a year from now',
          choices: INTENT_TO_STAY,
          tags: CONTEXT,
        },
      ],
    },
    {
      id: 'safety_climate',
      title: 'Safety in your agency',
      description: 'How much do you agree with each statement?',
      fields: [
        item('sc_report_concern', 'I would feel at ease reporting a worry about a child\'s safety.', `${SC}: comfort reporting concerns`, AGREE_5),
        item('sc_leaders_prioritize', 'Leaders here put child safety ahead of other pressures.', `${SC}: leadership priority`, AGREE_5),
        item('sc_learn_not_blame', 'When something goes wrong, this agency looks for lessons rather than someone to blame.', `${SC}: just culture`, AGREE_5),
        item('sc_feedback', 'I hear back about how my work affected the children and families I served.', `${SC}: feedback on outcomes`, AGREE_5),
        item('sc_errors_discussed', 'Errors are talked about openly here.', `${SC}: open discussion of error`, AGREE_5),
        item('sc_know_channels', 'I know how to raise a safety concern through the right channels.', `${SC}: clear reporting channels`, AGREE_5),
      ],
    },
    {
      id: 'psychological_safety',
      title: 'Your team',
      description: 'How much do you agree with each statement about your immediate team?',
      fields: [
        item('ps_mistakes_remembered', 'People on my team keep score of each other\'s mistakes.', `${PS}: mistakes held against members`, AGREE_5, true),
        item('ps_raise_problems', 'I can bring hard problems and concerns to my team.', `${PS}: voicing problems`, AGREE_5),
        item('ps_difference_excluded', 'On my team, people who think or work differently get left out.', `${PS}: acceptance of difference`, AGREE_5, true),
        item('ps_try_new', 'Trying something new or uncertain feels safe on my team.', `${PS}: interpersonal risk taking`, AGREE_5),
        item('ps_help_hard', 'Asking a teammate for help is awkward on my team.', `${PS}: help seeking`, AGREE_5, true),
        item('ps_no_undermining', 'I trust my teammates not to work against my efforts.', `${PS}: trust among members`, AGREE_5),
        item('ps_skills_used', 'My team makes real use of what I am good at.', `${PS}: valuing members' skills`, AGREE_5),
      ],
    },
    {
      id: 'safety_organizing',
      title: 'How your team works',
      description: 'To what extent does each statement describe your team?',
      fields: [
        item('so_anticipate', 'We talk about what could go wrong for a family before it happens.', `${SO}: preoccupation with failure`, EXTENT_7),
        item('so_expertise', 'When a case gets hard, we turn to whoever knows most, whatever their position.', `${SO}: deference to expertise`, EXTENT_7),
        item('so_alternatives', 'We talk through different ways of handling our everyday work.', `${SO}: reluctance to simplify`, EXTENT_7),
        item('so_shared_picture', 'We keep a shared, current picture of the families we serve.', `${SO}: sensitivity to operations`, EXTENT_7),
        item('so_near_misses', 'We look at our mistakes and near misses to learn from them.', `${SO}: learning from near misses`, EXTENT_7),
        item('so_revisit', 'We make time to rethink how we do our work.', `${SO}: reflective practice`, EXTENT_7),
        item('so_know_strengths', 'We know one another\'s skills and strengths well.', `${SO}: knowledge of team expertise`, EXTENT_7),
        item('so_recover', 'When something unexpected happens, we pull together to sort it out.', `${SO}: commitment to resilience`, EXTENT_7),
        item('so_early_warning', 'We bring up problems early, while they are still small.', `${SO}: early reporting of problems`, EXTENT_7),
      ],
    },
    {
      id: 'stress_recognition',
      title: 'Stress and your work',
      description: 'How much do you agree with each statement?',
      fields: [
        item('sr_fatigue', 'When I am very tired, my work suffers.', `${SR}: effect of fatigue`, AGREE_5),
        item('sr_workload', 'A heavy caseload makes it more likely that I miss something.', `${SR}: effect of workload`, AGREE_5),
        item('sr_tense_situations', 'I am more likely to make mistakes in tense or hostile situations.', `${SR}: effect of hostile situations`, AGREE_5),
        item('sr_decisions', 'Stress makes it harder for me to make sound decisions.', `${SR}: effect of stress on decisions`, AGREE_5),
      ],
    },
    {
      id: 'emotional_exhaustion',
      title: 'How you feel about work',
      description: 'How much do you agree with each statement?',
      fields: [
        item('ee_used_up', 'At the end of a workday I have nothing left.', `${EE}: depletion`, AGREE_5),
        item('ee_burned_out', 'My job leaves me feeling burned out.', `${EE}: burnout`, AGREE_5),
        item('ee_dread', 'I feel worn out just thinking about another day at work.', `${EE}: anticipatory fatigue`, AGREE_5),
        item('ee_frustrated', 'My work leaves me frustrated.', `${EE}: frustration`, AGREE_5),
        item('ee_emotional_demands', 'The emotional demands of this job wear me down.', `${EE}: emotional strain`, AGREE_5),
      ],
    },
    {
      id: 'connectedness',
      title: 'Connection at work',
      description: 'How much do you agree with each statement?',
      fields: [
        item('wc_belong', 'I feel I belong on my team.', `${WC}: belonging`, AGREE_5),
        item('wc_support', 'Colleagues here back me up when the work gets hard.', `${WC}: peer support`, AGREE_5),
        item('wc_valued', 'I feel valued by this agency.', `${WC}: feeling valued`, AGREE_5),
        item('wc_connected', 'I feel close to the people I work with.', `${WC}: connection with colleagues`, AGREE_5),
      ],
    },
  ],
  scores: [
    {
      name: 'safety_climate',
      label: 'Safety climate',
      construct: SC,
      items: ['sc_report_concern', 'sc_leaders_prioritize', 'sc_learn_not_blame', 'sc_feedback', 'sc_errors_discussed', 'sc_know_channels'],
      minAnswered: 3,
      favorable: 'high',
    },
    {
      name: 'psychological_safety',
      label: 'Psychological safety',
      construct: PS,
      items: [
        'ps_mistakes_remembered',
        'ps_raise_problems',
        'ps_difference_excluded',
        'ps_try_new',
        'ps_help_hard',
        'ps_no_undermining',
        'ps_skills_used',
      ],
      minAnswered: 4,
      favorable: 'high',
    },
    {
      name: 'safety_organizing',
      label: 'Safety organizing',
      construct: SO,
      items: [
        'so_anticipate',
        'so_expertise',
        'so_alternatives',
        'so_shared_picture',
        'so_near_misses',
        'so_revisit',
        'so_know_strengths',
        'so_recover',
        'so_early_warning',
      ],
      minAnswered: 5,
      favorable: 'high',
    },
    {
      name: 'stress_recognition',
      label: 'Stress recognition',
      construct: SR,
      items: ['sr_fatigue', 'sr_workload', 'sr_tense_situations', 'sr_decisions'],
      minAnswered: 2,
      favorable: 'high',
    },
    {
      name: 'emotional_exhaustion',
      label: 'Emotional exhaustion',
      construct: EE,
      items: ['ee_used_up', 'ee_burned_out', 'ee_dread', 'ee_frustrated', 'ee_emotional_demands'],
      minAnswered: 3,
      favorable: 'low',
    },
    {
      name: 'workplace_connectedness',
      label: 'Workplace connectedness',
      construct: WC,
      items: ['wc_belong', 'wc_support', 'wc_valued', 'wc_connected'],
      minAnswered: 2,
      favorable: 'high',
    },
  ],
} as const satisfies FormDefinition;
