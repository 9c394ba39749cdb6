/**
 * Safety notice, version 1 (published: never edit; add v2.ts instead). A short, de-identified notice one
 * jurisdiction shares with all partners after learning something from an incident.
 */
import { NOTICE_AUDIENCES, NOTICE_TYPES, THEMES } from '../codes.ts';
import type { FormDefinition } from '../types.ts';

const DIMENSION = { sensitivity: 'none', deid: 'keep', role: 'dimension' } as const;
const FREE_TEXT = { sensitivity: 'free_text', deid: 'drop', role: 'none' } as const;

export const safetyNoticeV1 = {
  formId: 'safety_notice',
  version: 1,
  status: 'published',
  title: 'Safety notice',
  description:
    'Share what your jurisdiction learned with every partner. Keep it de-identified: no names, case details or dates that point to a family.',
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
          type: 'date',
          name: 'notice_date',
          label: 'Notice date',
          required: true,
          notInFuture: true,
          min: '2018-01-01',
          tags: { sensitivity: 'none', deid: 'keep', role: 'dimension' },
        },
        { type: 'single_choice', name: 'notice_type', label: 'Type of notice', required: true, choices: NOTICE_TYPES, tags: DIMENSION },
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
          tags: { sensitivity: 'free_text', deid: 'keep', role: 'none' },
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
          name: 'recommended_actions',
          label: 'Recommended actions',
          help: 'What partners could check or change.',
          required: true,
          maxLength: 4000,
          tags: FREE_TEXT,
        },
        {
          type: 'multiple_choice',
          name: 'audience',
          label: 'Who should read this',
          required: true,
          choices: NOTICE_AUDIENCES,
          minSelected: 1,
          itemNoun: { one: 'audience', other: 'audiences' },
          tags: DIMENSION,
        },
      ],
    },
    {
      id: 'follow_up',
      title: 'Follow-up',
      fields: [
        {
          type: 'date',
          name: 'review_by_date',
          label: 'Review or expiry date',
          help: 'When the notice should be looked at again or retired.',
          required: true,
          notBefore: { field: 'notice_date', message: "Review or expiry date can't be before the notice date" },
          tags: { sensitivity: 'none', deid: 'keep', role: 'none' },
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
