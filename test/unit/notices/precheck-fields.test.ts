import { describe, expect, it } from 'vitest';
import { safetyNoticeV1, safetyNoticeV2 } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { sampleSafetyNotice, sampleSafetyNoticeV1 } from '#shared/forms/samples.ts';
import { noticeTexts } from '#shared/notices/precheck-fields.ts';

const NONE = { sensitivity: 'none', deid: 'keep', role: 'none' } as const;

describe('the text the pre-publication check reads (shared/notices/precheck-fields.ts)', () => {
  it('version 1: title, systemic issue and recommended actions, with their labels, in form order', () => {
    const a = sampleSafetyNoticeV1('ky-dcbs');
    expect(noticeTexts(safetyNoticeV1, a)).toEqual([
      { field: 'title', label: 'Title', text: a.title },
      { field: 'systemic_issue', label: 'Systemic issue', text: a.systemic_issue },
      { field: 'recommended_actions', label: 'Recommended actions', text: a.recommended_actions },
    ]);
  });

  it('version 2: title, systemic issue, evidence, each action of the group (labelled by its entry), contact role; never the mailbox or codes', () => {
    const a = sampleSafetyNotice('ky-dcbs');
    expect(noticeTexts(safetyNoticeV2, a)).toEqual([
      { field: 'title', label: 'Title', text: a.title },
      { field: 'systemic_issue', label: 'Systemic issue', text: a.systemic_issue },
      { field: 'evidence', label: 'Evidence', text: a.evidence },
      { field: 'actions[0].action', label: 'Action 1', text: a.actions![0]!.action },
      { field: 'actions[1].action', label: 'Action 2', text: a.actions![1]!.action },
      { field: 'contact_role', label: 'Contact role or team', text: a.contact_role },
    ]);
  });

  it('leaves out unanswered and blank text, and entries without text, keeping the entry numbers', () => {
    const a = { ...sampleSafetyNotice('ky-dcbs'), evidence: '   ', actions: [{}, { action: 'Call 502-555-0123.' }] } as Record<string, unknown>;
    delete a.contact_role;
    expect(noticeTexts(safetyNoticeV2, a).map((t) => [t.field, t.label])).toEqual([
      ['title', 'Title'],
      ['systemic_issue', 'Systemic issue'],
      ['actions[1].action', 'Action 2'],
    ]);
  });

  it('labels an entry field named unlike its entry with both ("Improvement opportunity 1: Description")', () => {
    const def: FormDefinition = {
      ...safetyNoticeV2,
      sections: [{ id: 'one', title: 'One', fields: [{ type: 'group', name: 'items', label: 'Items', minItems: 0, maxItems: 3, itemNoun: { one: 'improvement opportunity', other: 'improvement opportunities' }, tags: NONE, fields: [{ type: 'long_text', name: 'description', label: 'Description', required: true, maxLength: 100, tags: NONE }] }] }],
    };
    expect(noticeTexts(def, { items: [{ description: 'Some text' }] })).toEqual([{ field: 'items[0].description', label: 'Improvement opportunity 1: Description', text: 'Some text' }]);
  });
});
