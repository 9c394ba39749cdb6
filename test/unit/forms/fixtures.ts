/**
 * A test form that uses every field type and every condition operator the format has, so the generic
 * properties exercise what the three real forms happen not to use (decimal, year, email, minimum entries...).
 */
import type { FormDefinition } from '#forms/types.ts';
import { AGREE_5 } from '#forms/codes.ts';
import type { FormContext } from '#shared/forms/types.ts';

const NONE = { sensitivity: 'none', deid: 'keep', role: 'dimension' } as const;

export const TODAY = '2025-06-30';

export const TEST_CONTEXT: FormContext = {
  today: TODAY,
  units: [
    { code: 'north', label: 'North office' },
    { code: 'south', label: 'South office' },
    { code: 'intake', label: 'Intake & <hotline>' },
  ],
  jurisdictions: [
    { code: 'ky', label: 'Kentucky' },
    { code: 'oh_franklin', label: 'Franklin County, Ohio' },
  ],
};

export const kitchenSink = {
  formId: 'kitchen_sink',
  version: 1,
  status: 'draft',
  title: 'Every field type',
  description: 'A test form.',
  sections: [
    {
      id: 'basics',
      title: 'Basics',
      fields: [
        {
          type: 'short_text',
          name: 'code_name',
          label: 'Code name',
          required: true,
          minLength: 2,
          maxLength: 12,
          pattern: { regex: '[a-z]+(-[a-z]+)*', message: 'Code name uses lower-case words joined by dashes' },
          tags: NONE,
        },
        { type: 'long_text', name: 'notes', label: 'Notes', maxLength: 300, tags: { sensitivity: 'free_text', deid: 'drop', role: 'none' } },
        { type: 'email', name: 'mailbox', label: 'Mailbox', maxLength: 60, tags: { sensitivity: 'direct_identifier', deid: 'drop', role: 'none' } },
        { type: 'integer', name: 'count', label: 'Count', required: true, min: -5, max: 40, tags: NONE },
        { type: 'decimal', name: 'hours', label: 'Hours', min: 0, max: 99.5, decimals: 2, tags: NONE },
        { type: 'year', name: 'start_year', label: 'Start year', min: 1990, notInFuture: true, tags: NONE },
        { type: 'date', name: 'opened', label: 'Opened', required: true, min: '2010-01-01', notInFuture: true, tags: NONE },
        {
          type: 'date',
          name: 'closed',
          label: 'Closed',
          notBefore: { field: 'opened' },
          max: '2030-12-31',
          condition: { field: 'count', atMost: 20 },
          tags: NONE,
        },
        {
          type: 'multiple_choice',
          name: 'colors',
          label: 'Colors',
          choices: [
            { code: 'red', label: 'Red' },
            { code: 'green', label: 'Green' },
            { code: 'blue', label: 'Blue' },
            { code: 'none', label: 'None of these', exclusive: true },
          ],
          maxSelected: 2,
          minSelected: 1,
          required: true,
          tags: NONE,
        },
        { type: 'lookup', name: 'unit', label: 'Unit', required: true, lookup: 'units', tags: NONE },
        { type: 'yes_no_unknown', name: 'flag', label: 'Flag', tags: NONE },
        { type: 'likert', name: 'agree', label: 'I agree with this.', scale: AGREE_5, reverseScored: true, tags: NONE },
        {
          type: 'rating',
          name: 'severity',
          label: 'Severity',
          anchors: ['None', 'Low', 'Medium', 'High'],
          required: true,
          condition: { any: [{ field: 'colors', includes: 'red' }, { field: 'flag', equals: 'yes' }] },
          tags: NONE,
        },
      ],
    },
    {
      id: 'more',
      title: 'More',
      condition: { not: { field: 'unit', equals: 'intake' } },
      fields: [
        {
          type: 'single_choice',
          name: 'size',
          label: 'Size',
          required: true,
          choices: [
            { code: 'small', label: 'Small' },
            { code: 'large', label: 'Large' },
          ],
          condition: { all: [{ field: 'notes', answered: true }, { field: 'hours', atLeast: 1.5 }] },
          tags: NONE,
        },
        {
          type: 'group',
          name: 'items',
          label: 'Items',
          minItems: 1,
          maxItems: 3,
          itemNoun: { one: 'item', other: 'items' },
          condition: { field: 'flag', oneOf: ['yes', 'unknown'] },
          tags: NONE,
          fields: [
            {
              type: 'single_choice',
              name: 'item_kind',
              label: 'Kind',
              required: true,
              choices: [
                { code: 'a', label: 'Kind A' },
                { code: 'b', label: 'Kind B' },
              ],
              tags: NONE,
            },
            { type: 'short_text', name: 'item_detail', label: 'Detail', required: true, maxLength: 20, condition: { field: 'item_kind', equals: 'b' }, tags: NONE },
            { type: 'date', name: 'item_due', label: 'Item due', notBefore: { field: 'opened', message: "Item due can't be before the opening" }, tags: NONE },
          ],
        },
      ],
    },
  ],
  scores: [{ name: 'agreement', label: 'Agreement', construct: 'Test construct', items: ['agree'], minAnswered: 1, favorable: 'high' }],
} as const satisfies FormDefinition;
