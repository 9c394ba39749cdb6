import { describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1 } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { type ExportColumn, exportLayout } from '#shared/forms/export-columns.ts';
import { bandLabels, bandOf, effectiveEdges, isAgeName, planColumn, yearOf } from '#shared/warehouse/rules.ts';
import { walkShippedTables } from '#shared/warehouse/verify.ts';
import type { ShippedColumn } from '#shared/warehouse/rules.ts';

const cir = criticalIncidentReviewV1;
const column = (name: string): ExportColumn => {
  const c = exportLayout(cir).main.columns.find((x) => x.name === name);
  if (!c) throw new Error(name);
  return c;
};
const noQi = (): boolean => false;
const plan = (c: ExportColumn, def: FormDefinition = cir) => planColumn(def, c, noQi);
const shipped = (c: ExportColumn, def: FormDefinition = cir) => {
  const p = plan(c, def);
  if (p.action !== 'ship') throw new Error(`${c.name} was dropped (${p.reason})`);
  return p;
};

/** A one-field form to try a rule the real forms do not use. */
function oneField(field: object): FormDefinition {
  return { formId: 'f', version: 1, status: 'draft', title: 'F', description: 'F', sections: [{ id: 's', title: 'S', fields: [field as never] }] };
}

describe('drops (fail closed)', () => {
  it('drops direct identifiers, free text and rule drops, naming the reason', () => {
    expect(plan(column('review_id'))).toEqual({ action: 'drop', column: 'review_id', reason: 'direct identifier' });
    expect(plan(column('narrative'))).toEqual({ action: 'drop', column: 'narrative', reason: 'free text' });
    expect(plan({ ...column('open_case'), deid: 'drop' })).toMatchObject({ action: 'drop', reason: 'rule drop' });
  });

  it('drops a direct identifier or free text even when its rule says keep', () => {
    expect(plan({ ...column('incident_type'), sensitivity: 'direct_identifier' })).toMatchObject({ reason: 'direct identifier' });
    expect(plan({ ...column('incident_type'), sensitivity: 'free_text' })).toMatchObject({ reason: 'free text' });
  });

  it('drops a column whose rule or sensitivity is missing or unknown', () => {
    expect(plan({ ...column('open_case'), deid: undefined as never })).toMatchObject({ reason: 'no rule' });
    expect(plan({ ...column('open_case'), deid: 'hash' as never })).toMatchObject({ reason: 'no rule' });
    expect(plan({ ...column('open_case'), sensitivity: undefined as never })).toMatchObject({ reason: 'no rule' });
  });

  it('drops keep on a text or date column', () => {
    expect(plan({ ...column('narrative'), sensitivity: 'none', deid: 'keep' })).toMatchObject({ reason: 'keep on a text column' });
    expect(plan({ ...column('incident_date'), deid: 'keep' })).toMatchObject({ reason: 'keep on a text column' });
  });

  it('drops a lookup (its values are agency and unit ids)', () => {
    const def = oneField({ type: 'lookup', name: 'unit', label: 'Unit', lookup: 'units', tags: { sensitivity: 'none', deid: 'keep', role: 'dimension' } });
    expect(plan(exportLayout(def).main.columns.at(-1) as ExportColumn, def)).toMatchObject({ reason: 'keep on a text column' });
  });

  it('drops a rule that does not fit the column (year_only on a number, band on a code)', () => {
    expect(plan({ ...column('prior_report_count'), deid: 'year_only' })).toMatchObject({ reason: 'no rule' });
    expect(plan({ ...column('incident_type'), deid: 'band', bands: [0, 1] })).toMatchObject({ reason: 'no rule' });
    expect(plan({ ...column('prior_report_count'), bands: [5, 1] })).toMatchObject({ reason: 'no rule' });
  });
});

describe('keep', () => {
  it('keeps a choice code only when it is one of the field\'s codes', () => {
    const p = shipped(column('incident_type'));
    expect(p.column).toMatchObject({ kind: 'code', values: ['fatality', 'near_fatality'] });
    expect(p.transform('fatality')).toBe('fatality');
    expect(p.transform('Jane Doe')).toBeNull();
    expect(p.transform(3)).toBeNull();
  });

  it('keeps flags as 0 or 1 and numbers within the field\'s range', () => {
    const flag = shipped(column('child_race___white'));
    expect([flag.transform(1), flag.transform(0), flag.transform(2), flag.transform('1')]).toEqual([1, 0, null, null]);
    const rating = shipped(column('sf_workload'));
    expect([rating.transform(3), rating.transform(4), rating.transform(1.5), rating.transform('3')]).toEqual([3, null, null, null]);
  });

  it('keeps a kept age as a label, 90 and over as "90+"', () => {
    const def = oneField({ type: 'integer', name: 'caregiver_age', label: 'Age', min: 0, max: 120, tags: { sensitivity: 'quasi_identifier', deid: 'keep', role: 'measure' } });
    const p = shipped(exportLayout(def).main.columns.at(-1) as ExportColumn, def);
    expect(p.column.kind).toBe('band');
    expect([p.transform(34), p.transform(89), p.transform(90), p.transform(104)]).toEqual(['34', '89', '90+', '90+']);
  });
});

describe('year_only', () => {
  it('turns a date or an ISO timestamp into its year', () => {
    expect(yearOf('2021-03-04')).toBe(2021);
    expect(yearOf('2021-03-04T10:11:12.000Z')).toBe(2021);
    expect(yearOf('2021-02-30')).toBeNull();
    expect(yearOf('March 4, 2021')).toBeNull();
    expect(yearOf(2021)).toBeNull();
    expect(shipped(column('incident_date')).column.kind).toBe('year');
    expect(shipped(column('incident_date')).transform('2019-07-01')).toBe(2019);
  });

  it('keeps a year field\'s year within its range', () => {
    const def = oneField({ type: 'year', name: 'year_opened', label: 'Year', min: 1990, max: 2030, tags: { sensitivity: 'none', deid: 'year_only', role: 'dimension' } });
    const p = shipped(exportLayout(def).main.columns.at(-1) as ExportColumn, def);
    expect([p.transform(2001), p.transform(1800), p.transform('2001')]).toEqual([2001, null, null]);
  });
});

describe('band', () => {
  it('labels bands from the edges', () => {
    expect(bandLabels([0, 6, 12], true)).toEqual(['0-5', '6-11', '12+']);
    expect(bandLabels([1, 2, 5, 10], true)).toEqual(['1', '2-4', '5-9', '10+']);
    expect(bandLabels([0, 1.5], false)).toEqual(['0-<1.5', '1.5+']);
    expect(bandOf(7, [0, 6, 12], true)).toBe('6-11');
    expect(bandOf(-1, [0, 6, 12], true)).toBeNull();
    expect(bandOf(2.5, [0, 6, 12], true)).toBeNull();
  });

  it('bands an integer column and drops values outside its range', () => {
    const p = shipped(column('months_in_custody'));
    expect(p.column).toMatchObject({ kind: 'band', values: ['0-5', '6-11', '12-23', '24-59', '60+'] });
    expect([p.transform(0), p.transform(200), p.transform(5_025_550_147), p.transform('7')]).toEqual(['0-5', '60+', null, null]);
  });

  it('reads every age band at or over 90 as "90+"', () => {
    expect(isAgeName('age')).toBe(true);
    expect(isAgeName('child_age_years')).toBe(true);
    expect(isAgeName('page_count')).toBe(false);
    expect(effectiveEdges([0, 50, 85, 95, 100], true)).toEqual([0, 50, 85, 90]);
    expect(effectiveEdges([0, 50, 100], true)).toEqual([0, 50, 90]);
    expect(effectiveEdges([0, 18, 65], true)).toEqual([0, 18, 65]);
    expect(effectiveEdges([0, 50, 100], false)).toEqual([0, 50, 100]);
    const def = oneField({ type: 'integer', name: 'age', label: 'Age', min: 0, max: 120, tags: { sensitivity: 'quasi_identifier', deid: 'band', bands: [0, 18, 85, 95], role: 'measure' } });
    const p = shipped(exportLayout(def).main.columns.at(-1) as ExportColumn, def);
    expect([p.transform(88), p.transform(92), p.transform(110)]).toEqual(['85-89', '90+', '90+']);
  });
});

describe('the column walker', () => {
  const col = (c: Partial<ShippedColumn> & Pick<ShippedColumn, 'name' | 'kind'>): ShippedColumn => ({ label: c.name, source: null, field: null, quasiIdentifier: false, ...c });
  const walk = (c: ShippedColumn, v: unknown) => walkShippedTables([{ name: 't', columns: [c], rows: [{ [c.name]: v as never }] }]);

  it('accepts what each kind may hold', () => {
    expect(walk(col({ name: 'record_key', kind: 'release_key' }), '0b8e2c1a-3f4d-4a5b-9c6d-7e8f9a0b1c2d')).toEqual([]);
    expect(walk(col({ name: 'x', kind: 'code', values: ['a'] }), 'a')).toEqual([]);
    expect(walk(col({ name: 'x', kind: 'band', values: ['90+'], age: true }), '90+')).toEqual([]);
    expect(walk(col({ name: 'x', kind: 'year' }), 2020)).toEqual([]);
    expect(walk(col({ name: 'x', kind: 'code' }), null)).toEqual([]);
  });

  it('finds a direct identifier, a full date, an age over 89 and free text', () => {
    expect(walk(col({ name: 'record_key', kind: 'release_key' }), 'CASE-1234')).toHaveLength(1);
    expect(walk(col({ name: 'x', kind: 'code', values: ['a'] }), 'Jane Doe')).toHaveLength(1);
    expect(walk(col({ name: 'x', kind: 'year' }), '2020-01-02')).toHaveLength(1);
    expect(walk(col({ name: 'x', kind: 'year' }), 20200102)).toHaveLength(1);
    expect(walk(col({ name: 'age', kind: 'band', values: ['95+'], age: true }), '95+')).toEqual(['t.age row 0: an age over 89']);
    expect(walk(col({ name: 'age', kind: 'integer', age: true }), 93)).toHaveLength(1);
    expect(walk(col({ name: 'x', kind: 'band', values: ['0-5'] }), 'call (502) 555-0147')).toHaveLength(1);
    expect(walk(col({ name: 'x', kind: 'flag' }), 'yes')).toHaveLength(1);
    expect(walk(col({ name: 'x', kind: 'integer' }), '5025550147')).toHaveLength(1);
    expect(walkShippedTables([{ name: 't', columns: [], rows: [{ narrative: 'x' }] }])).toHaveLength(1);
  });
});
