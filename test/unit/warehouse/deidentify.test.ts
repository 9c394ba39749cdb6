import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1 } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { type Cell, exportRecord } from '#shared/forms/export-columns.ts';
import { deidentifyRelease, RELEASE_KEY, type ReleaseRecord } from '#shared/warehouse/deidentify.ts';
import { enforceKAnonymity } from '#shared/warehouse/kanonymity.ts';
import type { ShippedColumn } from '#shared/warehouse/rules.ts';
import { walkShippedTables } from '#shared/warehouse/verify.ts';

const def = criticalIncidentReviewV1;
const KY = { id: 'ky', state: 'KY', type: 'state' as const };
const FRANKLIN = { id: 'oh-franklin', state: 'OH', type: 'county' as const, county: 'Franklin' };

const answers = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  review_id: 'R-17',
  incident_type: 'fatality',
  incident_date: '2021-03-04',
  notification_date: '2021-03-05',
  review_date: '2021-05-01',
  cause_category: 'drowning',
  child_age_band: '1_to_2',
  child_sex: 'female',
  child_race: ['white'],
  child_ethnicity: 'not_hispanic_latino',
  prior_report_count: 2,
  custody_status: 'not_in_custody',
  review_stage: 'initial',
  narrative: 'Jane Doe, 12 Elm St.',
  improvement_opportunities: [
    { io_theme: 'workload_staffing', io_partner_scope: 'internal', io_description: 'x', io_recommendation: 'y', io_owner: 'Ann Lee', io_due_date: '2022-01-31', io_status: 'planned' },
    { io_theme: 'workload_staffing', io_partner_scope: 'internal', io_description: 'x', io_recommendation: 'y', io_owner: 'Ann Lee', io_status: 'planned' },
  ],
  ...over,
});

const record = (id: string, a = answers(), jurisdiction: ReleaseRecord['jurisdiction'] = KY): ReleaseRecord => ({ recordId: id, jurisdiction, rows: exportRecord(def, id, a) });

describe('deidentifyRelease', () => {
  it('ships the main table and one table per repeating group, the walker finding nothing', () => {
    const release = deidentifyRelease({ form: def, records: [record('rec-1'), record('rec-2')], settings: { k: 1 } });
    expect(release.tables.map((t) => t.name)).toEqual(['critical_incident_review', 'improvement_opportunities']);
    expect(walkShippedTables(release.tables)).toEqual([]);
    const [main, io] = release.tables;
    expect(main?.rows[0]).toMatchObject({ incident_type: 'fatality', incident_date: 2021, review_date: 2021, prior_report_count: '2-4', child_race___white: 1, state: 'KY' });
    expect(main?.columns.map((c) => c.name)).not.toContain('review_id');
    expect(main?.columns.map((c) => c.name)).not.toContain('narrative');
    expect(io?.rows).toHaveLength(4);
    expect(io?.rows[0]).toMatchObject({ instance: 1, io_theme: 'workload_staffing', io_due_date: 2022 });
    expect(io?.columns.map((c) => c.name)).toEqual(expect.not.arrayContaining(['io_owner', 'io_description', 'io_recommendation']));
  });

  it('reports every dropped column with its reason', () => {
    const { report } = deidentifyRelease({ form: def, records: [record('rec-1')] });
    expect(report.dropped).toContainEqual({ column: 'critical_incident_review.review_id', reason: 'direct identifier' });
    expect(report.dropped).toContainEqual({ column: 'critical_incident_review.narrative', reason: 'free text' });
    expect(report.dropped).toContainEqual({ column: 'improvement_opportunities.io_owner', reason: 'free text' });
    expect(report.dropped).toContainEqual({ column: 'critical_incident_review.sf_workload_rationale', reason: 'free text' });
    expect(report.dropped.every((d) => ['direct identifier', 'free text'].includes(d.reason))).toBe(true);
  });

  it('replaces record ids by random keys, the same in every table of a release and new in the next', () => {
    const records = [record('rec-1'), record('rec-2')];
    const first = deidentifyRelease({ form: def, records, settings: { k: 1 } });
    const second = deidentifyRelease({ form: def, records, settings: { k: 1 } });
    const keys = (r: typeof first, t: number) => r.tables[t]?.rows.map((row) => row[RELEASE_KEY]);
    const [a, b] = keys(first, 0) as string[];
    expect(a).not.toBe(b);
    expect(keys(first, 1)).toEqual([a, a, b, b]);
    expect(keys(second, 0)).not.toContain(a);
    expect(JSON.stringify(first.tables)).not.toContain('rec-1');
  });

  it('ships the state, and the county only when allowed and only for county agencies', () => {
    const records = [record('rec-1', answers(), FRANKLIN), record('rec-2', answers(), KY)];
    const without = deidentifyRelease({ form: def, records, settings: { k: 1 } });
    expect(without.tables[0]?.columns.map((c) => c.name)).not.toContain('county');
    expect(JSON.stringify(without.tables)).not.toMatch(/Franklin|oh-franklin|"ky"/);
    const withCounty = deidentifyRelease({ form: def, records, settings: { k: 1, countyAllowed: true } });
    expect(withCounty.tables[0]?.rows.map((r) => [r.state, r.county])).toEqual([['OH', 'Franklin'], ['KY', null]]);
    expect(walkShippedTables(withCounty.tables)).toEqual([]);
  });

  it('nulls values the field does not allow and counts them', () => {
    const { tables, report } = deidentifyRelease({ form: def, records: [record('rec-1', answers({ child_sex: 'Jane Doe', prior_report_count: 5025550147 }))], settings: { k: 1 } });
    expect(tables[0]?.rows[0]).toMatchObject({ child_sex: null, prior_report_count: null });
    expect(report.invalidCells).toBe(2);
  });

  it('drops and reports the fields of a version without de-identification rules, and still succeeds', () => {
    const untagged = JSON.parse(JSON.stringify(def)) as { version: number; sections: { fields: Record<string, unknown>[] }[] };
    untagged.version = 2;
    const added = untagged.sections[0]?.fields;
        // Tagged for sensitivity but with no de-identification rule.
    added?.push({ type: 'single_choice', name: 'new_setting', label: 'Setting', choices: [{ code: 'home', label: 'Home' }], tags: { sensitivity: 'none', role: 'dimension' } });
    const v2 = untagged as unknown as FormDefinition;
    const release = deidentifyRelease({ form: v2, records: [{ recordId: 'r', jurisdiction: KY, rows: exportRecord(v2, 'r', answers({ new_setting: 'home' })) }], settings: { k: 1 } });
    expect(release.report.dropped).toContainEqual({ column: 'critical_incident_review.new_setting', reason: 'no rule' });
    expect(release.tables[0]?.columns.map((c) => c.name)).not.toContain('new_setting');
  });
});

describe('k-anonymity', () => {
  it('names the quasi-identifiers of the critical incident review', () => {
    const { report } = deidentifyRelease({ form: def, records: [record('rec-1')] });
    expect(report.kAnonymity.quasiIdentifiers).toEqual(
      expect.arrayContaining(['incident_type', 'incident_date', 'child_age_band', 'child_sex', 'child_race___white', 'child_ethnicity', 'months_in_custody', 'state']),
    );
    expect(report.kAnonymity.quasiIdentifiers).not.toContain('cause_category');
  });

  it('leaves classes of k rows or more alone and reports nothing done', () => {
    const records = Array.from({ length: 5 }, (_, i) => record(`r${i}`));
    const { tables, report } = deidentifyRelease({ form: def, records, settings: { k: 5 } });
    expect(report).toMatchObject({ generalized: 0, suppressed: 0, kAnonymity: { smallestClass: 5, classes: 1 } });
    expect(tables[0]?.rows.every((r) => r.child_age_band === '1_to_2')).toBe(true);
  });

  it('generalizes a small class into a coarser one before suppressing', () => {
    // Four children aged 1 to 2 and one under 1, otherwise alike: the age bands merge into "under 6".
    const records = [...Array.from({ length: 4 }, (_, i) => record(`r${i}`)), record('r9', answers({ child_age_band: 'under_1' }))];
    const { tables, report } = deidentifyRelease({ form: def, records, settings: { k: 5 } });
    expect(tables[0]?.rows.map((r) => r.child_age_band)).toEqual(Array(5).fill('under_6'));
    expect(report.generalized).toBe(5);
    expect(report.suppressed).toBe(0);
    expect(report.kAnonymity.steps).toContainEqual({ step: 'coarser codes of child_age_band', rows: 5 });
    expect(report.kAnonymity.smallestClass).toBe(5);
  });

  it('suppresses the quasi-identifiers of rows that stay in a small class, keeping the rows', () => {
    const records = [...Array.from({ length: 5 }, (_, i) => record(`r${i}`)), record('r9', answers({ child_sex: 'male', incident_type: 'near_fatality' }))];
    const { tables, report } = deidentifyRelease({ form: def, records, settings: { k: 5 } });
    expect(tables[0]?.rows).toHaveLength(6);
    const last = tables[0]?.rows[5] ?? {};
    for (const qi of report.kAnonymity.quasiIdentifiers) expect(last[qi]).toBeNull();
    expect(last.cause_category).toBe('drowning');
    expect(report.suppressed).toBe(1);
    expect(tables[0]?.rows[0]).toMatchObject({ child_sex: 'female', state: 'KY' });
  });

  it('nulls one quasi-identifier of the small classes when that is enough: the state, nothing else, no row fully suppressed', () => {
    // Six girls in Kentucky (a class of 6), and five boys otherwise alike in Ohio (3) and Arizona (2): no
    // generalization joins the boys, but without their state they are one class of five.
    const AZ = { id: 'az-tribal', state: 'AZ', type: 'tribal' as const };
    const boy = answers({ child_sex: 'male' });
    const records = [
      ...Array.from({ length: 6 }, (_, i) => record(`ky${i}`)),
      ...Array.from({ length: 3 }, (_, i) => record(`oh${i}`, boy, FRANKLIN)),
      ...Array.from({ length: 2 }, (_, i) => record(`az${i}`, boy, AZ)),
    ];
    const { tables, report } = deidentifyRelease({ form: def, records, settings: { k: 5 } });
    const boys = tables[0]?.rows.slice(6) ?? [];
    expect(boys.map((r) => r.state)).toEqual(Array(5).fill(null));
    for (const r of boys) expect(r).toMatchObject({ child_sex: 'male', incident_type: 'fatality', incident_date: 2021, child_ethnicity: 'not_hispanic_latino' });
    expect(report.suppressedCells).toEqual({ state: 5 });
    expect(report.suppressed).toBe(0);
    expect(report.kAnonymity.steps.filter((s) => s.step.endsWith('(local)'))).toEqual([{ step: 'state suppressed (local)', rows: 5 }]);
    expect(report.kAnonymity.smallestClass).toBe(5);
  });

  it('never touches rows of classes of k or more, whatever the small classes need', () => {
    const AZ = { id: 'az-tribal', state: 'AZ', type: 'tribal' as const };
    const big = Array.from({ length: 5 }, (_, i) => record(`ky${i}`));
    // Small classes that need each stage: generalized, locally suppressed (the boys' state) and fully suppressed.
    const boy = answers({ child_sex: 'male', child_age_band: 'under_1' });
    const small = [
      ...Array.from({ length: 3 }, (_, i) => record(`oh${i}`, boy, FRANKLIN)),
      ...Array.from({ length: 2 }, (_, i) => record(`az${i}`, boy, AZ)),
      record('s1', answers({ child_age_band: 'under_1', incident_type: 'near_fatality', child_sex: 'male' }), AZ),
      record('s2', answers({ incident_date: '2023-01-01', child_race: ['asian'] })),
    ];
    const alone = deidentifyRelease({ form: def, records: big, settings: { k: 1 } }).tables[0]?.rows ?? [];
    const { tables, report } = deidentifyRelease({ form: def, records: [...big, ...small], settings: { k: 5 } });
    const withoutKey = (r: Record<string, Cell>) => ({ ...r, [RELEASE_KEY]: null });
    expect(tables[0]?.rows.slice(0, 5).map(withoutKey)).toEqual(alone.map(withoutKey));
    expect(report.generalized).toBeGreaterThan(0);
    expect(report.suppressedCells.state).toBeGreaterThan(0);
    expect(report.suppressed).toBeGreaterThan(0);
  });

  it('refuses a k that is not a whole number of at least 1', () => {
    expect(() => deidentifyRelease({ form: def, records: [], settings: { k: 0 } })).toThrow(/k must be/);
  });

  // Small domains so that classes of every size occur.
  const qiCols: ShippedColumn[] = [
    { name: 'age', label: 'a', source: 'age', field: 'age', kind: 'band', quasiIdentifier: true, values: ['0-5', '6-11', '12-17', '18+'] },
    { name: 'child_age_band', label: 'b', source: 'b', field: 'child_age_band', kind: 'code', quasiIdentifier: true, values: ['under_1', '1_to_2', '3_to_5', '6_to_11'] },
    { name: 'y1', label: 'y', source: 'y1', field: 'y1', kind: 'year', quasiIdentifier: true },
    { name: 'y2', label: 'y', source: 'y2', field: 'y2', kind: 'year', quasiIdentifier: true },
    { name: 'race___a', label: 'r', source: 'r', field: 'race', kind: 'flag', quasiIdentifier: true },
    { name: 'race___b', label: 'r', source: 'r', field: 'race', kind: 'flag', quasiIdentifier: true },
    { name: 'state', label: 's', source: null, field: null, kind: 'geography', quasiIdentifier: true, values: ['KY', 'OH'] },
    { name: 'theme', label: 't', source: 't', field: 't', kind: 'code', quasiIdentifier: false, values: ['p', 'q'] },
  ];
  const rowArb = fc.record({
    age: fc.constantFrom('0-5', '6-11', '12-17', '18+', null),
    child_age_band: fc.constantFrom('under_1', '1_to_2', '3_to_5', '6_to_11'),
    y1: fc.integer({ min: 2019, max: 2021 }),
    y2: fc.integer({ min: 2019, max: 2022 }),
    race___a: fc.constantFrom(0, 1),
    race___b: fc.constantFrom(0, 1),
    state: fc.constantFrom('KY', 'OH'),
    theme: fc.constantFrom('p', 'q'),
  });

  it('gives every class k rows or more, or suppressed quasi-identifiers (property)', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 120 }), fc.integer({ min: 1, max: 10 }), (input, k) => {
        const columns = qiCols.map((c) => ({ ...c, ...(c.values ? { values: [...c.values] } : {}) }));
        const rows: Record<string, Cell>[] = input.map((r) => ({ ...r }));
        const report = enforceKAnonymity(columns, rows, k);
        const qi = columns.filter((c) => c.quasiIdentifier).map((c) => c.name);
        const key = (r: Record<string, Cell>) => JSON.stringify(qi.map((c) => r[c]));
        const sizesOf = (rs: readonly Record<string, Cell>[]) => {
          const sizes = new Map<string, number>();
          for (const r of rs) sizes.set(key(r), (sizes.get(key(r)) ?? 0) + 1);
          return sizes;
        };
        const sizes = sizesOf(rows);
        for (const r of rows) {
          if ((sizes.get(key(r)) ?? 0) < k) expect(qi.every((c) => r[c] === null)).toBe(true);
        }
        // Rows keep their count and their other columns; rows of classes of k or more in the input are untouched.
        expect(rows.map((r) => r.theme)).toEqual(input.map((r) => r.theme));
        const before = sizesOf(input);
        input.forEach((r, i) => {
          if ((before.get(key(r)) ?? 0) >= k) expect(rows[i]).toEqual(r);
        });
        const allNull = rows.filter((r) => qi.every((c) => r[c] === null)).length;
        expect(report.suppressed).toBeLessThanOrEqual(allNull);
        // Local suppression only nulls cells that held a value.
        for (const [c, n] of Object.entries(report.suppressedCells)) {
          expect(qi).toContain(c);
          expect(n).toBeLessThanOrEqual(rows.filter((r, i) => r[c] === null && (input[i] as Record<string, Cell> | undefined)?.[c] !== null).length);
        }
        expect(report.classes).toBe(sizes.size);
        // Generalized values are still values the column declares, so the walker accepts them.
        expect(walkShippedTables([{ name: 't', columns, rows }])).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('is deterministic', () => {
    const input = fc.sample(fc.array(rowArb, { minLength: 60, maxLength: 60 }), { numRuns: 1, seed: 7 })[0] ?? [];
    const run = () => {
      const rows = input.map((r) => ({ ...r }));
      const report = enforceKAnonymity(qiCols.map((c) => ({ ...c })), rows, 5);
      return { rows, report };
    };
    expect(run()).toEqual(run());
  });
});
