/**
 * Planted identifiers: records of the critical incident review whose every field (repeating-group fields included)
 * may hold a name, an email, a phone number, a full date, a case number or a long text, in place of its answer or
 * inside a multiple choice's list. None of them may reach the output, whatever k and the county setting, and the
 * column walker finds nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1 } from '#forms/index.ts';
import type { Field } from '#forms/types.ts';
import { leafFields, topLevelItems } from '#shared/forms/definition.ts';
import { type Cell, exportRecord } from '#shared/forms/export-columns.ts';
import { deidentifyRelease, type ReleaseRecord } from '#shared/warehouse/deidentify.ts';
import { walkShippedTables } from '#shared/warehouse/verify.ts';
import { validValue } from '../forms/arbitraries.ts';
import { TEST_CONTEXT } from '../forms/fixtures.ts';

const RUNS = 300;
const def = criticalIncidentReviewV1;

const FIRST = ['Jayden', 'Maria', 'Tobias', 'Keisha', 'Liam', 'Xochitl'];
const LAST = ['Okafor', 'Delacroix', 'Whitfield', 'Nguyen', 'Abernathy'];
const name = fc.tuple(fc.constantFrom(...FIRST), fc.constantFrom(...LAST)).map(([f, l]) => `${f} ${l}`);
const email = fc.tuple(fc.constantFrom(...FIRST), fc.integer({ min: 10, max: 9999 })).map(([f, n]) => `${f.toLowerCase()}.${n}@example.org`);
const phone = fc.tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 1000, max: 9999 })).map(([a, b]) => `(${a}) 555-${b}`);
const fullDate = fc.date({ min: new Date('1990-01-01'), max: new Date('2025-06-30'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const timestamp = fc.date({ min: new Date('1990-01-01'), max: new Date('2025-06-30'), noInvalidDate: true }).map((d) => d.toISOString());
const caseNumber = fc.integer({ min: 100_000, max: 9_999_999 }).map((n) => `CASE-${n}`);
const longText = fc.tuple(name, fc.lorem({ maxCount: 30 })).map(([n, t]) => `${n} was seen by the worker. ${t}`);
/** Numbers an identifier could be written as: a phone or a case number without punctuation. */
const numericId = fc.integer({ min: 2_000_000_000, max: 9_999_999_999 });
const plantedString = fc.oneof(name, email, phone, fullDate, timestamp, caseNumber, longText);
const planted: fc.Arbitrary<string | number> = fc.oneof({ arbitrary: plantedString, weight: 6 }, { arbitrary: numericId, weight: 1 });

interface Generated {
  answers: Record<string, unknown>;
  plants: { field: string; value: string | number }[];
}

/** A field's value: its answer, or a planted identifier (alone, or slipped into a multiple choice's list). */
function plantedOrValid(field: Field): fc.Arbitrary<{ value: unknown; plant?: string | number }> {
  const valid = validValue(field, TEST_CONTEXT).map((value) => ({ value }));
  const alone = planted.map((p) => ({ value: p, plant: p }));
  if (field.type !== 'multiple_choice') return fc.oneof(valid, alone);
  const mixed = fc.tuple(validValue(field, TEST_CONTEXT), planted).map(([v, p]) => ({ value: [...(v as string[]), p], plant: p }));
  return fc.oneof(valid, alone, mixed);
}

function entryArb(fields: readonly Field[]): fc.Arbitrary<Generated> {
  return fc.tuple(...fields.map(plantedOrValid)).map((values) => {
    const answers: Record<string, unknown> = {};
    const plants: Generated['plants'] = [];
    values.forEach((v, i) => {
      const f = fields[i] as Field;
      answers[f.name] = v.value;
      if (v.plant !== undefined) plants.push({ field: f.name, value: v.plant });
    });
    return { answers, plants };
  });
}

const recordArb: fc.Arbitrary<Generated> = fc
  .tuple(
    entryArb(topLevelItems(def).filter((i): i is Field => i.type !== 'group')),
    ...topLevelItems(def)
      .filter((i) => i.type === 'group')
      .map((g) => fc.array(entryArb(g.fields), { maxLength: 3 }).map((entries) => ({ group: g.name, entries }))),
  )
  .map(([top, ...groups]) => {
    const answers = { ...top.answers };
    const plants = [...top.plants];
    for (const g of groups) {
      answers[g.group] = g.entries.map((e) => e.answers);
      plants.push(...g.entries.flatMap((e) => e.plants));
    }
    return { answers, plants };
  });

const jurisdictionArb = fc.constantFrom(
  { id: 'ky', state: 'KY', type: 'state' as const },
  { id: 'oh-franklin-county', state: 'OH', type: 'county' as const, county: 'Franklin' },
  { id: 'oh-hamilton-county', state: 'OH', type: 'county' as const, county: 'Hamilton' },
  { id: 'navajo-nation-az', state: 'AZ', type: 'tribal' as const },
);

const caseArb = fc.record({
  records: fc.array(fc.record({ recordId: caseNumber, jurisdiction: jurisdictionArb, generated: recordArb }), { minLength: 1, maxLength: 8 }),
  k: fc.constantFrom(1, 2, 5),
  countyAllowed: fc.boolean(),
});

const cellsOf = (rows: readonly Record<string, Cell>[]): Cell[] => rows.flatMap((r) => Object.values(r));

describe('planted identifiers in every field of the critical incident review', () => {
  it(`never reach the output (${RUNS} generated releases)`, () => {
    const plantedFields = new Set<string>();
    let runs = 0;
    fc.assert(
      fc.property(caseArb, ({ records, k, countyAllowed }) => {
        runs++;
        const input: ReleaseRecord[] = records.map((r) => ({
          recordId: r.recordId,
          jurisdiction: r.jurisdiction,
          rows: exportRecord(def, r.recordId, r.generated.answers),
        }));
        const release = deidentifyRelease({ form: def, records: input, settings: { k, countyAllowed } });
        expect(walkShippedTables(release.tables)).toEqual([]);

        const cells = release.tables.flatMap((t) => cellsOf(t.rows));
        const strings = cells.filter((c): c is string => typeof c === 'string');
        const numbers = new Set(cells.filter((c): c is number => typeof c === 'number'));
        const secrets: (string | number)[] = [
          ...records.flatMap((r) => r.generated.plants.map((p) => p.value)),
          ...records.map((r) => r.recordId),
          ...records.map((r) => r.jurisdiction.id),
          ...(countyAllowed ? [] : records.flatMap((r) => (r.jurisdiction.county ? [r.jurisdiction.county] : []))),
        ];
        for (const secret of secrets) {
          if (typeof secret === 'number') expect(numbers.has(secret), `number ${secret} shipped`).toBe(false);
          else expect(strings.some((s) => s.includes(secret)), `"${secret}" shipped`).toBe(false);
        }
        // Full dates are never shipped in any form (the year of a date is a number).
        expect(strings.some((s) => /\d{4}-\d{2}-\d{2}/.test(s))).toBe(false);
        for (const r of records) for (const p of r.generated.plants) plantedFields.add(p.field);
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
    // Every field of the form (repeating-group fields included) held a planted identifier in some generated record.
    expect([...plantedFields].sort()).toEqual(leafFields(def).map((f) => f.name).sort());
  });
});
