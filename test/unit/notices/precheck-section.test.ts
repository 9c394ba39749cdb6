import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import type { RecordView } from '#shared/records/model.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import { precheckBeforeDecision, PRECHECK_RUNNING_TEXT, ReviewerPrecheck } from '#shared/notices/web/precheck-section.tsx';

const stored = {
  recordId: 'R1',
  version: 4,
  submissionId: 's-1',
  formVersion: 2,
  checkedAt: '2026-01-02T00:00:01.000Z',
  report: { fields: [{ field: 'evidence', label: 'Evidence', text: 'Call 502-555-0123.', findings: [{ kind: 'phone' as const, start: 5, end: 17, text: '502-555-0123' }] }], findingCount: 1 },
};

describe("the pre-publication check on the reviewer's page (shared/notices/web/precheck-section.tsx)", () => {
  it('shows the stored report: the summary and the marked text', () => {
    const html = renderToString(h(ReviewerPrecheck, { stored }));
    expect(html).toContain('Check 1 passage before you approve');
    expect(html).toContain('<mark class="npcs-precheck" data-kind="phone">');
    expect(html).not.toContain(PRECHECK_RUNNING_TEXT);
  });

  it('without a report yet, says the check is running (an info alert), and nothing blocks the decision', () => {
    const html = renderToString(h(ReviewerPrecheck, { stored: undefined }));
    expect(html).toContain('usa-alert--info');
    expect(html).toContain(PRECHECK_RUNNING_TEXT);
    expect(html).not.toContain('<mark');
  });

  it('shows nothing for other forms, without reading the table', async () => {
    const table = { query: () => Promise.reject(new Error('no read expected')) } as unknown as ScopedTable;
    expect(await precheckBeforeDecision(table, { formId: 'critical_incident_review', recordId: 'R1', version: 2, submissionId: 's-1' } as RecordView)).toBeUndefined();
  });
});
