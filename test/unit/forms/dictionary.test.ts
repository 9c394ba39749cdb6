import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { safetyNoticeV1 } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { fieldIndex } from '#shared/forms/definition.ts';
import {
  CHANGELOG_COLUMNS,
  changelogCsv,
  changelogRows,
  DICTIONARY_COLUMNS,
  dictionaryCsv,
  dictionaryRows,
} from '#shared/forms/dictionary.ts';
import { DictionaryBody, dictionaryHtmlDocument } from '#shared/forms/dictionary-html.tsx';
import { formRegistry } from '#shared/forms/registry.ts';

/** v2 of the safety notice: one field removed (declared), one added, one relabelled; v3 changes nothing. */
function noticeVersions(): FormDefinition[] {
  const v2 = structuredClone(safetyNoticeV1) as unknown as { version: number; sections: { fields: Record<string, unknown>[] }[]; breakingChanges: unknown };
  v2.version = 2;
  for (const s of v2.sections) s.fields = s.fields.filter((f) => f.name !== 'title');
  v2.breakingChanges = [{ field: 'title', reason: 'Merged into the systemic issue' }];
  const issue = v2.sections.flatMap((s) => s.fields).find((f) => f.name === 'systemic_issue');
  if (issue) issue.label = 'Say "what", please, <b>plainly</b>';
  v2.sections[0]?.fields.push({ type: 'yes_no_unknown', name: 'urgent', label: 'Urgent', tags: { sensitivity: 'none', deid: 'keep', role: 'dimension' } });
  const v3 = { ...structuredClone(v2), version: 3, breakingChanges: [] };
  return [safetyNoticeV1, v2 as unknown as FormDefinition, v3 as unknown as FormDefinition];
}

describe('data dictionary', () => {
  it('has one row per variable of every version of every form, plus computed scores', () => {
    const defs = formRegistry.all();
    const rows = dictionaryRows(defs);
    const names = (def: FormDefinition) => [...fieldIndex(def).keys(), ...(def.scores ?? []).flatMap((s) => [`${s.name}_mean`, `${s.name}_pct_positive`])];
    const firstVersionWith = (def: FormDefinition, name: string) => formRegistry.versions(def.formId).find((d) => names(d).includes(name))?.version;
    for (const def of defs) {
      const mine = rows.filter((r) => r.form_id === def.formId && r.form_version === def.version);
      expect(mine.map((r) => r.variable_name).sort()).toStrictEqual(names(def).sort());
      for (const row of mine) {
        expect(row.field_label).not.toBe('');
        expect(row.sensitivity).not.toBe('');
        expect(row.deid_rule).not.toBe('');
        expect(row.version_added).toBe(firstVersionWith(def, row.variable_name));
      }
    }
  });

  it('describes types, codes, limits, branching and identifiers REDCap-style', () => {
    const rows = dictionaryRows(formRegistry.all());
    const row = (name: string) => rows.find((r) => r.variable_name === name);
    expect(row('placement_type')?.branching_logic).toBe('“Custody status at the time of the incident” is “In state or county custody” or “In tribal custody”');
    expect(row('sf_workload_rationale')?.branching_logic).toBe('“Review stage” is “Full systems analysis” and “Caseload and workload” is 1 or more');
    expect(row('child_race')?.choices).toMatch(/^american_indian_alaska_native, American Indian or Alaska Native \| asian, Asian/);
    expect(row('child_race')?.export_columns).toContain('child_race___declined');
    expect(row('io_due_date')).toMatchObject({ repeating_group: 'improvement_opportunities', validation: 'date YYYY-MM-DD; not before review_date' });
    expect(row('contact_mailbox')).toMatchObject({ identifier: 'y', sensitivity: 'direct_identifier', deid_rule: 'drop' });
    expect(row('ps_help_hard')).toMatchObject({ reverse_scored: 'y', aggregation_role: 'scale_item', construct: 'Psychological safety: help seeking' });
    expect(row('narrative')?.validation).toBe('text, up to 10000 characters');
  });

  it('tracks the version each variable was added and last changed, and a changelog between versions', () => {
    const defs = noticeVersions();
    const rows = dictionaryRows(defs);
    const at = (name: string, version: number) => rows.find((r) => r.variable_name === name && r.form_version === version);
    expect(at('notice_date', 3)).toMatchObject({ version_added: 1, version_changed: '' });
    expect(at('systemic_issue', 3)).toMatchObject({ version_added: 1, version_changed: 2 });
    expect(at('urgent', 3)).toMatchObject({ version_added: 2, version_changed: '' });
    expect(at('title', 3)).toBeUndefined();
    expect(at('title', 1)).toMatchObject({ version_added: 1 });

    const log = changelogRows(defs);
    expect(log.map((r) => [r.from_version, r.to_version, r.variable_name, r.change, r.breaking, r.declared_reason])).toStrictEqual([
      ['', 1, '', 'published', '', ''],
      [1, 2, 'title', 'removed', 'y', 'Merged into the systemic issue'],
      [1, 2, 'systemic_issue', 'changed', '', ''],
      [1, 2, 'urgent', 'added', '', ''],
    ]);
  });

  it('shows what safety notice v2 changed: the actions replace recommended_actions (declared), deadlines and evidence are new', () => {
    const notices = formRegistry.versions('safety_notice');
    const log = changelogRows(notices).filter((r) => r.to_version === 2);
    const change = (name: string) => log.find((r) => r.variable_name === name);
    expect(change('recommended_actions')).toMatchObject({ change: 'removed', breaking: 'y', declared_reason: expect.stringContaining('actions') });
    for (const added of ['evidence', 'actions', 'action', 'acknowledge_by', 'act_by', 'contact_role']) expect(change(added)?.change, added).toBe('added');
    expect(log.filter((r) => r.breaking === 'y').map((r) => r.variable_name)).toStrictEqual(['recommended_actions']);
    const rows = dictionaryRows(notices).filter((r) => r.form_version === 2);
    const row = (name: string) => rows.find((r) => r.variable_name === name);
    expect(row('notice_type')).toMatchObject({ field_label: 'Level', version_added: 1, version_changed: 2 });
    expect(row('action')).toMatchObject({ repeating_group: 'actions', sensitivity: 'free_text', deid_rule: 'drop', version_added: 2 });
    for (const date of ['notice_date', 'acknowledge_by', 'act_by', 'review_by_date']) expect(row(date)?.deid_rule, date).toBe('year_only');
    expect(row('act_by')?.validation).toBe('date YYYY-MM-DD; not before acknowledge_by');
  });

  it('renders CSV with the REDCap-like header and quoted cells', () => {
    const defs = noticeVersions();
    const csv = dictionaryCsv(dictionaryRows(defs));
    expect(csv.split('\n')[0]).toBe(DICTIONARY_COLUMNS.join(','));
    expect(csv).toContain('"Say ""what"", please, <b>plainly</b>"');
    expect(changelogCsv(changelogRows(defs)).split('\n')[0]).toBe(CHANGELOG_COLUMNS.join(','));
  });

  it('renders HTML with every variable, escaping markup in labels', () => {
    const defs = noticeVersions();
    const rows = dictionaryRows(defs);
    const html = dictionaryHtmlDocument({ rows, changelog: changelogRows(defs) });
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('Say &quot;what&quot;, please, &lt;b>plainly&lt;/b>');
    expect(html).not.toContain('<b>plainly</b>');
    for (const r of rows) expect(html).toContain(`<code>${r.variable_name}</code>`);
    const body = renderToString(h(DictionaryBody, { rows, changelog: [] }));
    expect(body.startsWith('<div class="data-dictionary">')).toBe(true);
    expect(body).toContain('Version 2 (published): 10 variables');
  });
});
