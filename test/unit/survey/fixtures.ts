/** A small scored form for the results tests: two scales on a 1-5 agreement scale, one reverse-worded item, one scale whose low end is favorable. */
import type { FormDefinition } from '#forms/types.ts';

const AGREE = { id: 'agree', points: [1, 2, 3, 4, 5].map((value) => ({ value, label: `A${value}` })), positiveMin: 4 } as const;
const TAGS = { sensitivity: 'none', deid: 'keep', role: 'scale_item' } as const;
const likert = (name: string, reverseScored = false) => ({ type: 'likert', name, label: `Item ${name}`, scale: AGREE, reverseScored, tags: TAGS }) as const;

export const UP_ITEMS = ['u1', 'u2', 'u3', 'u4'] as const;
export const DOWN_ITEMS = ['d1', 'd2', 'd3'] as const;

export const resultsForm = {
  formId: 'results_test',
  version: 1,
  status: 'draft',
  title: 'Results test',
  description: 'A test form.',
  sections: [
    {
      id: 'items',
      title: 'Items',
      fields: [
        { type: 'lookup', name: 'unit', label: 'Unit', required: true, lookup: 'units', tags: { sensitivity: 'quasi_identifier', deid: 'keep', role: 'dimension' } },
        likert('u1'),
        likert('u2'),
        likert('u3'),
        likert('u4', true),
        likert('d1'),
        likert('d2'),
        likert('d3'),
      ],
    },
  ],
  scores: [
    // 75% of 4 items is 3 (= minAnswered); 75% of 3 items is 3 (above minAnswered 2): the policy share decides.
    { name: 'up', label: 'Up scale', construct: 'Higher is better', items: [...UP_ITEMS], minAnswered: 3, favorable: 'high' },
    { name: 'down', label: 'Down scale', construct: 'Lower is better', items: [...DOWN_ITEMS], minAnswered: 2, favorable: 'low' },
  ],
} as const satisfies FormDefinition;

export const WAVE = { waveId: 'W1', title: 'Spring', closedOn: '2027-04-01', formId: 'results_test', formVersion: 1 };

/** A response of `unit` answering every item with `value` (or the values given per item). */
export function answers(unit: string | undefined, value: number, overrides: Record<string, number | undefined> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = unit === undefined ? {} : { unit };
  for (const name of [...UP_ITEMS, ...DOWN_ITEMS]) out[name] = value;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}
