import { describe, expect, it } from 'vitest';
import { NotFoundError } from '#shared/errors.ts';
import { mailRecordOf } from '#shared/mail/templates/record.ts';

describe('mailRecordOf: what an email may know of a stored record', () => {
  it('picks the id, form, review id and due date, with the title of the form version; answers and people stay behind', () => {
    const stored = {
      jurisdictionId: 'ky-dcbs',
      recordId: '01JD3Q7N8V2K5M4X9B6C0R1T2S',
      formId: 'critical_incident_review',
      formVersion: 1,
      status: 'submitted',
      answers: { review_id: 'CIR-2024-017', narrative: 'An infant was found unresponsive' },
      createdBy: 'sub-1',
      reference: 'CIR-2024-017',
    };
    expect(mailRecordOf(stored, '2026-03-05')).toEqual({
      recordId: '01JD3Q7N8V2K5M4X9B6C0R1T2S',
      formId: 'critical_incident_review',
      formTitle: 'Critical incident review',
      reference: 'CIR-2024-017',
      dueDate: '2026-03-05',
    });
    const { reference: _r, ...unnamed } = stored;
    expect(mailRecordOf(unnamed, '2026-03-05')).not.toHaveProperty('reference');
    expect(mailRecordOf({ ...stored, formId: 'safety_notice' }, '2026-03-05').formTitle).toBe('Safety notice');
  });

  it('an unknown form or version is a 404 naming it', () => {
    expect(() => mailRecordOf({ recordId: 'R', formId: 'critical_incident_review', formVersion: 99 }, '2026-03-05')).toThrow(NotFoundError);
  });
});
