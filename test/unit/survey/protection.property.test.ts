/**
 * "Protected by construction", tested as a property: random unit trees and waves, with respondent ids known only
 * to the test. Every shown number is traced back to the SET of respondents it describes, and the test fails when a
 * shown set, or a difference of shown sets an attacker can form, has 1 to min - 1 members (docs/survey.md, "Results").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeWaveResults, type SurveyUnit } from '#shared/survey/results/compute.ts';
import type { FrozenWaveResults } from '#shared/survey/results/types.ts';
import { DOWN_ITEMS, resultsForm, UP_ITEMS, WAVE } from './fixtures.ts';

/** Generated cases (about 1.5 ms each); SURVEY_PROPERTY_RUNS runs more when working on the rules. */
const PROTECTION_RUNS = Number(process.env.SURVEY_PROPERTY_RUNS ?? 4000);

const SCALES = [
  { name: 'up', items: UP_ITEMS as readonly string[], need: 3 },
  { name: 'down', items: DOWN_ITEMS as readonly string[], need: 3 },
];

interface Case {
  min: number;
  units: SurveyUnit[];
  responses: Record<string, unknown>[];
}

// Unit sizes skewed small (0-6 most often), where the roll-up rules have work to do.
const unitSize = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 6 }), weight: 5 }, { arbitrary: fc.integer({ min: 7, max: 14 }), weight: 3 }, { arbitrary: fc.integer({ min: 15, max: 30 }), weight: 1 });
// Answers: 0 = skipped. A respondent either answers (nearly) everything or skips often.
const answerRow = fc.oneof(
  { arbitrary: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 7, maxLength: 7 }), weight: 3 },
  { arbitrary: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 7, maxLength: 7 }), weight: 2 },
  { arbitrary: fc.array(fc.constantFrom(0, 0, 0, 1, 3, 5), { minLength: 7, maxLength: 7 }), weight: 1 },
);

const waveCase: fc.Arbitrary<Case> = fc
  .record({
    min: fc.integer({ min: 3, max: 6 }),
    // Each unit's parent: the jurisdiction (-1) or an earlier unit, kept within depth 3.
    parentPicks: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
    jurisdictionPicks: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    listOrder: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
    sizes: fc.array(unitSize, { minLength: 12, maxLength: 12 }),
    unknown: fc.integer({ min: 0, max: 4 }),
  })
  .chain((shape) => {
    const count = shape.parentPicks.length;
    const depth: number[] = [];
    const parents: number[] = [];
    for (let i = 0; i < count; i++) {
      const candidates = [...Array(i).keys()].filter((j) => depth[j]! < 3);
      const parent = shape.jurisdictionPicks[i] || candidates.length === 0 ? -1 : candidates[shape.parentPicks[i]! % candidates.length]!;
      parents.push(parent);
      depth.push(parent === -1 ? 1 : depth[parent]! + 1);
    }
    // The registry may list a child before its parent.
    const order = [...Array(count).keys()].sort((a, b) => shape.listOrder[a]! - shape.listOrder[b]! || a - b);
    const units: SurveyUnit[] = order.map((i) => ({ code: `u${i}`, label: `Unit ${i}`, ...(parents[i] === -1 ? {} : { parent: `u${parents[i]}` }) }));
    const owners = [...Array(count).keys()].flatMap((i) => Array<string | undefined>(shape.sizes[i]!).fill(`u${i}`));
    for (let k = 0; k < shape.unknown; k++) owners.push(k % 2 ? 'not-in-registry' : undefined);
    return fc.array(answerRow, { minLength: owners.length, maxLength: owners.length }).map((rows) => ({
      min: shape.min,
      units,
      responses: rows.map((row, r) => {
        const out: Record<string, unknown> = owners[r] === undefined ? {} : { unit: owners[r] };
        [...UP_ITEMS, ...DOWN_ITEMS].forEach((name, k) => {
          if (row[k]! > 0) out[name] = row[k];
        });
        return out;
      }),
    }));
  });

const compute = (c: Case): FrozenWaveResults =>
  computeWaveResults({ definition: resultsForm, jurisdictionId: 'j', jurisdictionLabel: 'J', units: c.units, responses: c.responses, minGroupSize: c.min, wave: WAVE, computedAt: '2027-04-01T00:00:00.000Z' });

/** A shown number's respondents, written out by the test from the rules of docs/survey.md (not from the engine). */
interface ShownSet {
  node: string;
  /** 'group', or a scale name. */
  measure: string;
  ids: Set<number>;
}

function shownSets(c: Case, results: FrozenWaveResults) {
  const parentOf = new Map<string, string>(c.units.map((u) => [`j/${u.code}`, u.parent ? `j/${u.parent}` : 'j']));
  const known = new Set(c.units.map((u) => u.code));
  const chain = (node: string): string[] => (node === 'j' ? ['j'] : [node, ...chain(parentOf.get(node)!)]);
  const members = new Map<string, Set<number>>(); // `${node}|${measure}` -> respondents
  const itemMembers = new Map<string, Set<number>>(); // `${node}|${scale}|${item}`
  const add = (map: Map<string, Set<number>>, key: string, id: number) => (map.get(key) ?? map.set(key, new Set()).get(key)!).add(id);
  c.responses.forEach((answers, id) => {
    const unit = typeof answers.unit === 'string' && known.has(answers.unit) ? `j/${answers.unit}` : 'j';
    for (const node of chain(unit)) {
      add(members, `${node}|group`, id);
      for (const scale of SCALES) {
        const answered = scale.items.filter((i) => answers[i] !== undefined);
        if (answered.length < scale.need) continue;
        add(members, `${node}|${scale.name}`, id);
        for (const item of answered) add(itemMembers, `${node}|${scale.name}|${item}`, id);
      }
    }
  });
  const sets: ShownSet[] = [];
  const itemSets: ShownSet[] = [];
  for (const group of results.groups) {
    if (!group.shown) continue;
    const ids = members.get(`${group.groupId}|group`) ?? new Set();
    expect(group.respondents, `respondents of ${group.groupId}`).toBe(ids.size);
    sets.push({ node: group.groupId, measure: 'group', ids });
    for (const cell of group.scales) {
      if (!cell.shown) continue;
      const scaleIds = members.get(`${group.groupId}|${cell.scale}`) ?? new Set();
      expect(cell.respondents, `${cell.scale} respondents of ${group.groupId}`).toBe(scaleIds.size);
      sets.push({ node: group.groupId, measure: cell.scale, ids: scaleIds });
      for (const item of SCALES.find((s) => s.name === cell.scale)!.items) {
        itemSets.push({ node: group.groupId, measure: `${cell.scale}:${item}`, ids: itemMembers.get(`${group.groupId}|${cell.scale}|${item}`) ?? new Set() });
      }
    }
  }
  return { sets, itemSets, parentOf };
}

const isSubset = (a: Set<number>, b: Set<number>) => {
  if (a.size > b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
};
const minus = (b: Set<number>, parts: Set<number>[]) => [...b].filter((x) => !parts.some((p) => p.has(x))).length;
const small = (n: number, min: number) => n > 0 && n < min;

function checkProtection(c: Case, results: FrozenWaveResults): void {
  const { sets, itemSets, parentOf } = shownSets(c, results);
  const name = (s: ShownSet) => `${s.measure} of ${s.node}`;
  // 1. Every shown number describes at least min respondents, and so does each item answer set gating a shown scale.
  for (const s of [...sets, ...itemSets]) expect(s.ids.size, name(s)).toBeGreaterThanOrEqual(c.min);
  // 2. Any two shown sets that nest, of one measure or a scale's inside a group's: the difference is 0 or >= min.
  //    (Two different scales' sets are never subtracted: their numbers measure different things, and their counts
  //    nest only by chance, which nobody outside the data can know.)
  for (const a of sets) {
    for (const b of sets) {
      if (a === b || !(a.measure === b.measure || b.measure === 'group')) continue;
      if (isSubset(a.ids, b.ids)) expect(small(b.ids.size - a.ids.size, c.min), `${name(b)} minus ${name(a)}`).toBe(false);
    }
  }
  // 3. A shown set minus the union of the nearest shown sets below it, of the same measure, or (for a group) of
  //    any one scale: 0 or >= min.
  const isBelow = (node: string, above: string) => {
    for (let at = node; at !== 'j'; at = parentOf.get(at)!) if (parentOf.get(at) === above) return true;
    return false;
  };
  for (const top of sets) {
    for (const measure of top.measure === 'group' ? ['group', ...SCALES.map((s) => s.name)] : [top.measure]) {
      const below = sets.filter((s) => s.measure === measure && isBelow(s.node, top.node));
      const nearest = below.filter((s) => !below.some((o) => o !== s && isBelow(s.node, o.node)));
      if (nearest.length === 0) continue;
      const rest = minus(top.ids, nearest.map((s) => s.ids));
      expect(small(rest, c.min), `${name(top)} minus its nearest shown ${measure} sets below`).toBe(false);
    }
  }
  // 4. A shown scale cell's skippers (its group's respondents outside the scale) minus those of the nearest shown
  //    cells of that scale below it: (G_v - S_v) minus the union of (G_f - S_f), a combination of four shown counts.
  const groupOf = (node: string) => sets.find((s) => s.node === node && s.measure === 'group')!.ids;
  for (const top of sets) {
    if (top.measure === 'group') continue;
    const below = sets.filter((s) => s.measure === top.measure && isBelow(s.node, top.node));
    const nearest = below.filter((s) => !below.some((o) => o !== s && isBelow(s.node, o.node)));
    const outside = [...groupOf(top.node)].filter((id) => !top.ids.has(id) && !nearest.some((f) => groupOf(f.node).has(id))).length;
    expect(small(outside, c.min), `skippers of ${name(top)} outside the nearest shown ${top.measure} cells below`).toBe(false);
  }
}

/** Suppressed cells carry no number: only their names and the reason. */
function checkNoNumbersWhenHidden(results: FrozenWaveResults): void {
  for (const group of results.groups) {
    if (!group.shown) {
      expect(Object.keys(group).sort()).toEqual(['groupId', 'label', 'level', 'reason', 'scales', 'shown', ...(group.parentId ? ['parentId'] : [])].sort());
      expect(group.scales).toEqual([]);
      continue;
    }
    for (const cell of group.scales) if (!cell.shown) expect(Object.keys(cell).sort()).toEqual(['label', 'reason', 'scale', 'shown']);
  }
  if (!results.groups[0]!.shown) expect(results).not.toHaveProperty('sums');
}

describe('protection property', () => {
  it(`no shown number, nor a difference of shown numbers, describes 1 to min - 1 respondents (${PROTECTION_RUNS} generated waves)`, () => {
    let shownUnits = 0;
    let rolledUp = 0;
    fc.assert(
      fc.property(waveCase, (c) => {
        const results = compute(c);
        checkProtection(c, results);
        checkNoNumbersWhenHidden(results);
        shownUnits += results.groups.filter((g) => g.level === 'unit' && g.shown).length;
        rolledUp += results.groups.filter((g) => g.reason === 'complement').length + results.groups.flatMap((g) => g.scales).filter((s) => !s.shown && s.reason === 'complement').length;
      }),
      { numRuns: PROTECTION_RUNS },
    );
    // The generator must exercise the rules, not only tiny waves where nothing shows.
    expect(shownUnits).toBeGreaterThan(PROTECTION_RUNS);
    expect(rolledUp).toBeGreaterThan(PROTECTION_RUNS / 10);
  });

  it('fails on a result that breaks the rules (the checks can fail)', () => {
    // Ennova's case computed without the roll-up: 7 shown under a parent of 9 leaves 2 by subtraction.
    const c: Case = {
      min: 5,
      units: [{ code: 'p', label: 'P' }, { code: 'a', label: 'A', parent: 'p' }, { code: 'b', label: 'B', parent: 'p' }],
      responses: [...Array(7).fill({ unit: 'a' }), ...Array(2).fill({ unit: 'b' })],
    };
    const honest = compute(c);
    const leaky: FrozenWaveResults = {
      ...honest,
      groups: honest.groups.map((g) => (g.groupId === 'j/a' ? { groupId: g.groupId, level: 'unit', label: 'A', parentId: 'j/p', shown: true, respondents: 7, scales: [] } : g)),
    };
    expect(() => checkProtection(c, honest)).not.toThrow();
    expect(() => checkProtection(c, leaky)).toThrow(/minus/);
  });
});
