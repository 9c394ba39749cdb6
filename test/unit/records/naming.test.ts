import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { listQuerySchema, parseInput } from '#shared/records/model.ts';
import { normalizeSearch, recordDisplayName, referenceOf } from '#shared/records/naming.ts';

describe('a record display name', () => {
  it("is the agency's review id or the notice's title, with the system id secondary", () => {
    expect(recordDisplayName({ formId: 'critical_incident_review', recordId: '01JABC', reference: 'CIR-2024-017' })).toEqual({
      name: 'CIR-2024-017',
      secondaryId: '01JABC',
      untitled: false,
    });
    expect(recordDisplayName({ formId: 'safety_notice', recordId: '01JDEF', reference: 'Safe sleep at discharge' }).name).toBe('Safe sleep at discharge');
  });

  it('is "Untitled <form>" for a fresh draft, the system id beside it', () => {
    expect(recordDisplayName({ formId: 'critical_incident_review', recordId: '01JABC' })).toEqual({
      name: 'Untitled critical incident review',
      secondaryId: '01JABC',
      untitled: true,
    });
    expect(recordDisplayName({ formId: 'safety_notice', recordId: '01JDEF', reference: '  ' }).name).toBe('Untitled safety notice');
  });

  it('takes the reference from the form\'s naming answer only, trimmed, with whitespace collapsed', () => {
    expect(referenceOf('critical_incident_review', { review_id: ' CIR-1 ', title: 'not this' })).toBe('CIR-1');
    expect(referenceOf('safety_notice', { title: 'Safe\n  sleep', review_id: 'not this' })).toBe('Safe sleep');
    expect(referenceOf('safety_notice', { title: '' })).toBeUndefined();
    expect(referenceOf('critical_incident_review', { review_id: 17 })).toBeUndefined();
    expect(referenceOf('safety_culture_survey', { review_id: 'x' })).toBeUndefined();
  });
});

describe('search normalization', () => {
  it('ignores case, spaces and punctuation, so people find a review id however they type it', () => {
    expect(normalizeSearch('CIR-2024-017')).toBe('cir2024017');
    for (const typed of ['cir 2024', '2024-017', 'CIR2024017', ' Cir_2024 ']) expect(normalizeSearch('CIR-2024-017')).toContain(normalizeSearch(typed));
    expect(normalizeSearch('ＣＩＲ－２０２４')).toBe('cir2024');
    expect(normalizeSearch('Niño—safe sleep')).toBe('niñosafesleep');
  });

  it('refuses a search with nothing to match, or too long, naming the parameter', () => {
    for (const search of ['---', ' ', 'x'.repeat(201)]) {
      try {
        parseInput(listQuerySchema, { search });
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).fieldErrors).toEqual([expect.objectContaining({ field: 'search', message: expect.stringMatching(/^search /) })]);
      }
    }
    expect(parseInput(listQuerySchema, { search: 'CIR-2024' }).search).toBe('CIR-2024');
  });
});
