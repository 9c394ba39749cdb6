/**
 * Safety notice, version 2 (published: never edit; add v3.ts instead). What changed from v1 (issue 14): the
 * evidence behind the finding, the actions as a list (one entry per action, replacing v1's single
 * `recommended_actions` text), deadlines to acknowledge and to act, and the contact's role at the issuer.
 * `notice_type` keeps its variable name (now labelled "Level") so that notices of both versions compare.
 */
import { NOTICE_AUDIENCES, NOTICE_TYPES, THEMES } from '../codes.ts';
import type { FormDefinition } from '../types.ts';

const DIMENSION = { sensitivity: 'none', deid: 'keep', role: 'dimension' } as const;
const FREE_TEXT = { sensitivity: 'free_text', deid: 'drop', role: 'none' } as const;
// Deadlines reach the warehouse as their year only: a full date is never shipped (docs/warehouse.md, "Rules").
const DEADLINE = { sensitivity: 'none', deid: 'year_only', role: 'none' } as const;

export const safetyNoticeV2 = {
  formId: 'safety_notice',
  version: 2,
  status: 'published',
  title: 'Safety notice',
  description:
    'Share what your jurisdiction learned with every partner, and what you ask each of them to do. Keep it de-identified: no names, case details or dates that point to a family.',
  breakingChanges: [
    {
      field: 'recommended_actions',
      reason:
        'Replaced by the repeating group "actions": one entry for each action recipient jurisdictions are asked to take, so actions can be listed and counted one by one. A version 1 notice keeps its text in recommended_actions.',
    },
  ],
  sections: [
    {
      id: 'notice',
      title: 'The notice',
      fields: [
        {
          type: 'lookup',
          name: 'issuing_jurisdiction',
          label: 'Issuing jurisdiction',
          required: true,
          lookup: 'jurisdictions',
          tags: DIMENSION,
        },
        {
          type: 'single_choice',
          name: 'notice_type',
          label: 'Level',
          help: 'Alert: partners need to act now. Advisory: partners should review their practice. Lesson learned: something worth knowing, with no urgent change.',
          required: true,
          choices: NOTICE_TYPES,
          tags: DIMENSION,
        },
        {
          type: 'single_choice',
          name: 'theme',
          label: 'Theme',
          help: 'The same themes as improvement opportunities in critical incident reviews.',
          required: true,
          choices: THEMES,
          tags: DIMENSION,
        },
        {
          type: 'short_text',
          name: 'title',
          label: 'Title',
          help: 'One line that says what the notice is about.',
          required: true,
          maxLength: 200,
          tags: FREE_TEXT,
        },
        {
          type: 'date',
          name: 'notice_date',
          label: 'Notice date',
          help: 'The day your jurisdiction issues the notice.',
          required: true,
          notInFuture: true,
          min: '2018-01-01',
          tags: { sensitivity: 'none', deid: 'year_only', role: 'dimension' },
        },
      ],
    },
    {
      id: 'content',
      title: 'What was learned',
      fields: [
        {
          type: 'long_text',
          name: 'systemic_issue',
          label: 'Systemic issue',
          help: 'What in the system made harm more likely.',
          required: true,
          maxLength: 4000,
          tags: FREE_TEXT,
        },
        {
          type: 'long_text',
          name: 'evidence',
          label: 'Evidence',
          help: 'What the finding rests on, for example how many reviews found it and what data you looked at. Do not describe a case.',
          required: true,
          maxLength: 4000,
          tags: FREE_TEXT,
        },
        {
          type: 'group',
          name: 'actions',
          label: 'Actions',
          help: 'What you ask each partner jurisdiction to do. Add one action at a time, at most 10.',
          minItems: 1,
          maxItems: 10,
          itemNoun: { one: 'action', other: 'actions' },
          tags: { sensitivity: 'none', deid: 'keep', role: 'none' },
          fields: [
            {
              type: 'long_text',
              name: 'action',
              label: 'Action',
              help: 'One thing each partner jurisdiction is asked to check or change.',
              required: true,
              maxLength: 1000,
              tags: FREE_TEXT,
            },
          ],
        },
      ],
    },
    {
      id: 'deadlines',
      title: 'Deadlines and audience',
      fields: [
        {
          type: 'date',
          name: 'acknowledge_by',
          label: 'Acknowledgement deadline',
          help: 'The day by which each partner jurisdiction should confirm it has read the notice.',
          required: true,
          notBefore: { field: 'notice_date', message: "Acknowledgement deadline can't be before the notice date" },
          tags: DEADLINE,
        },
        {
          type: 'date',
          name: 'act_by',
          label: 'Action deadline',
          help: 'The day by which the actions should be done.',
          required: true,
          notBefore: { field: 'acknowledge_by', message: "Action deadline can't be before the acknowledgement deadline" },
          tags: DEADLINE,
        },
        {
          type: 'multiple_choice',
          name: 'audience',
          label: 'Who should read this',
          help: 'Choose every role the notice is for.',
          required: true,
          choices: NOTICE_AUDIENCES,
          minSelected: 1,
          itemNoun: { one: 'audience', other: 'audiences' },
          tags: DIMENSION,
        },
        {
          type: 'date',
          name: 'review_by_date',
          label: 'Review or expiry date',
          help: 'When the notice should be looked at again or retired.',
          required: true,
          notBefore: { field: 'act_by', message: "Review or expiry date can't be before the action deadline" },
          tags: DEADLINE,
        },
      ],
    },
    {
      id: 'contact',
      title: 'Contact at the issuer',
      fields: [
        {
          type: 'short_text',
          name: 'contact_role',
          label: 'Contact role or team',
          help: "A role or team partners can ask about the notice, for example \"Safety science team\". Not a person's name.",
          required: true,
          maxLength: 200,
          tags: FREE_TEXT,
        },
        {
          type: 'email',
          name: 'contact_mailbox',
          label: 'Contact mailbox',
          help: 'A shared team mailbox, not a personal address.',
          required: true,
          maxLength: 254,
          tags: { sensitivity: 'direct_identifier', deid: 'drop', role: 'none' },
        },
      ],
    },
  ],
} as const satisfies FormDefinition;
