/**
 * The protection engine on hand-worked tables (docs/reports-protection.md): each case is small enough to check the
 * attacker's reasoning by hand, and the naive patterns show the audit catches what the line rules alone miss.
 */
import { describe, expect, it } from 'vitest';
import { auditRelease, protect, type CellStatus, type ProtectionTable } from '#shared/reports/protection/index.ts';
import { datasetTable, ledgerOf, monthAtoms } from './protection-fixtures.ts';

const Q1 = ['2026-01', '2026-02', '2026-03'];
const Q2 = ['2026-04', '2026-05', '2026-06'];

/** Every line of a table (rows with their total, columns with theirs, the total row and column) as cell ids. */
function lines(table: ProtectionTable): string[][] {
  const grid = [...table.cells.map((row, r) => [...row, table.rowTotals[r]!]), [...table.columnTotals, table.grandTotal]].map((row) => row.map((c) => c.id));
  return [...grid, ...grid[0]!.map((_, c) => grid.map((row) => row[c]!))];
}

function expectNoSingleSuppression(tables: readonly ProtectionTable[], status: ReadonlyMap<string, CellStatus>): void {
  for (const table of tables) {
    for (const line of lines(table)) {
      const suppressed = line.filter((id) => status.get(id) !== 'shown');
      expect(suppressed.length, `line ${line.join(', ')}`).not.toBe(1);
    }
  }
}

const pattern = (entries: Record<string, CellStatus>) => new Map(Object.entries(entries));

describe('protection: hand-worked cases', () => {
  // The wave2 example: row a holds two ones; its total 2 is suppressed too, but the grand total minus row b's total
  // gives it back, and two primaries (each >= 1) summing to 2 are exactly 1 each.
  const rows = ['a', 'b'];
  const columns = ['x', 'y'];
  const table = datasetTable({ dataset: 'd', span: 'period', rows, columns, months: ['2026-01'], threshold: 10, minIntervalWidth: 5 });
  const atoms = monthAtoms('d', rows, columns, '2026-01', [
    [1, 1],
    [20, 30],
  ]);

  it('catches a row with total 2 and two suppressed primaries (exactly 1 each), and the engine fixes it', () => {
    const naive = pattern({ 'd.period|a|x': 'primary', 'd.period|a|y': 'primary', 'd.period|a|total': 'primary', 'd.period|b|x': 'secondary', 'd.period|b|y': 'secondary' });
    const caught = auditRelease([table], atoms, [], naive);
    expect(caught.audit.find((a) => a.cellId === 'd.period|a|x')).toMatchObject({ value: 1, low: 1, high: 1 });
    expect(caught.failing).toEqual(['d.period|a|x', 'd.period|a|y', 'd.period|a|total']);

    const result = protect([table], atoms, []);
    expect(result.unprotected).toEqual([]);
    expectNoSingleSuppression([table], result.status);
    const check = auditRelease([table], atoms, [], result.status);
    expect(check.failing).toEqual([]);
    // The attacker can now only say each one is 1 to 9 (the row total is at most 10).
    expect(check.audit.find((a) => a.cellId === 'd.period|a|x')).toMatchObject({ low: 1, high: 9 });
    expect(result.stats.primary).toBe(3);
  });

  it('never leaves a single suppression in a line, and never suppresses a zero', () => {
    const wide = datasetTable({ dataset: 'w', span: 'period', rows: ['a', 'b', 'c'], columns: ['x', 'y', 'z'], months: ['2026-01'], threshold: 10, minIntervalWidth: 5 });
    const counts = monthAtoms('w', ['a', 'b', 'c'], ['x', 'y', 'z'], '2026-01', [
      [5, 40, 0],
      [30, 25, 0],
      [44, 12, 0],
    ]);
    // Only the primary suppressed: its row total minus the 40 gives it back.
    const alone = auditRelease([wide], counts, [], pattern({ 'w.period|a|x': 'primary' }));
    expect(alone.audit).toEqual([{ cellId: 'w.period|a|x', value: 5, low: 5, high: 5 }]);
    expect(alone.failing).toEqual(['w.period|a|x']);

    const result = protect([wide], counts, []);
    expectNoSingleSuppression([wide], result.status);
    for (const id of ['w.period|a|z', 'w.period|b|z', 'w.period|c|z', 'w.period|all|z']) expect(result.status.get(id)).toBe('shown');
    expect(auditRelease([wide], counts, [], result.status).failing).toEqual([]);
  });

  it('refuses to audit a pattern that breaks the rule the attacker relies on', () => {
    expect(() => auditRelease([table], atoms, [], pattern({}))).toThrow(/d.period\|a\|x is shown but the rule makes it primary/);
    const zero = monthAtoms('d', rows, columns, '2026-01', [
      [0, 15],
      [20, 30],
    ]);
    expect(() => auditRelease([table], zero, [], pattern({ 'd.period|a|x': 'secondary' }))).toThrow(/never a zero/);
  });

  // Differencing: Q1 released a's drowning count (3) suppressed. In Q2, a's period count is 12 and its year to date
  // 15: showing both gives Q1 back as 15 - 12.
  describe('linked releases', () => {
    const js = ['a', 'b', 'c'];
    const cats = ['drowning', 'sleep', 'other'];
    const tablesFor = (months: string[], ytd: string[]) => [
      datasetTable({ dataset: 'r', span: 'period', rows: js, columns: cats, months, threshold: 10, minIntervalWidth: 5 }),
      datasetTable({ dataset: 'r', span: 'year_to_date', rows: js, columns: cats, months: ytd, threshold: 10, minIntervalWidth: 5 }),
    ];
    const q1Tables = tablesFor(Q1, Q1);
    const q2Tables = tablesFor(Q2, [...Q1, ...Q2]);
    const counts = () => {
      const all = monthAtoms('r', js, cats, '2026-01', [
        [3, 25, 20],
        [40, 30, 22],
        [31, 28, 26],
      ]);
      monthAtoms('r', js, cats, '2026-04', [
        [12, 30, 35],
        [33, 25, 40],
        [29, 27, 31],
      ], all);
      return all;
    };

    it('keeps a Q1 suppression from being recovered by subtracting Q2 from the year to date', () => {
      const atoms = counts();
      const q1 = protect(q1Tables, atoms, []);
      expect(q1.status.get('r.period|a|drowning')).toBe('primary');
      const ledger = ledgerOf('2026-Q1', q1Tables, q1);

      // Protected as if alone, Q2 shows nothing small: every cell is above the threshold, so nothing is suppressed...
      const alone = protect(q2Tables, atoms, []);
      expect(alone.stats.primary + alone.stats.secondary).toBe(0);
      // ...and the audit of the linked system finds Q1's cell exactly (15 - 12).
      const leak = auditRelease(q2Tables, atoms, ledger, alone.status);
      expect(leak.audit.find((a) => a.cellId === '2026-Q1/r.period|a|drowning')).toMatchObject({ value: 3, low: 3, high: 3 });
      expect(leak.failing).toContain('2026-Q1/r.period|a|drowning');

      const linked = protect(q2Tables, atoms, ledger);
      expect(linked.unprotected).toEqual([]);
      expectNoSingleSuppression(q2Tables, linked.status);
      const check = auditRelease(q2Tables, atoms, ledger, linked.status);
      expect(check.failing).toEqual([]);
      const q1Cell = check.audit.find((a) => a.cellId === '2026-Q1/r.period|a|drowning')!;
      expect(q1Cell.high - q1Cell.low).toBeGreaterThanOrEqual(5);
    });

    it('treats a ledger cell whose value changed as revised, not as a constraint, and keeps unchanged suppressions', () => {
      const atoms = counts();
      const q1 = protect(q1Tables, atoms, []);
      const ledger = ledgerOf('2026-Q1', q1Tables, q1);
      // A review approved in January for b/sleep is amended to b/other: those cells and their column totals change.
      atoms.set('r|b|sleep|2026-01', 29);
      atoms.set('r|b|other|2026-01', 23);
      const q2 = protect(q2Tables, atoms, ledger);
      expect(q2.revised).toEqual(['period', 'year_to_date'].flatMap((span) => ['b|sleep', 'b|other', 'all|sleep', 'all|other'].map((cell) => `2026-Q1/r.${span}|${cell}`)));
      const check = auditRelease(q2Tables, atoms, ledger, q2.status);
      expect(check.revised).toEqual(q2.revised);
      expect(check.audit.map((a) => a.cellId)).not.toContain('2026-Q1/r.period|b|sleep');
      expect(check.failing).toEqual([]);
    });

    it('suppresses again what an earlier release suppressed when its value is unchanged (a rerun agrees)', () => {
      const atoms = counts();
      const first = protect(q1Tables, atoms, []);
      const suppressed = [...first.status].filter(([, s]) => s !== 'shown');
      expect(suppressed.length).toBeGreaterThan(1);
      const rerun = protect(q1Tables, atoms, ledgerOf('2026-Q1-run1', q1Tables, first));
      expect(rerun.status).toEqual(first.status);
      // Year to date of a cell with nothing new in Q2: the same value as Q1's suppressed one, suppressed again.
      const quiet = counts();
      quiet.set('r|a|sleep|2026-04', 0);
      const q1Again = protect(q1Tables, quiet, []);
      const sleep = q1Again.status.get('r.year_to_date|a|sleep');
      expect(sleep).toBe('secondary');
      const q2 = protect(q2Tables, quiet, ledgerOf('2026-Q1', q1Tables, q1Again));
      expect(q2.values.get('r.year_to_date|a|sleep')).toBe(25);
      expect(q2.status.get('r.year_to_date|a|sleep')).toBe('secondary');
      // Without the ledger nothing asks for it: the ledger is what keeps it.
      expect(protect(q2Tables, quiet, []).status.get('r.year_to_date|a|sleep')).toBe('shown');
    });

    it('gives the same pattern for the same input', () => {
      const atoms = counts();
      const ledger = ledgerOf('2026-Q1', q1Tables, protect(q1Tables, atoms, []));
      const a = protect(q2Tables, atoms, ledger);
      const b = protect(q2Tables, new Map([...atoms].reverse()), ledger);
      expect([...b.status]).toEqual([...a.status]);
      expect(b.audit).toEqual(a.audit);
    });
  });

  it('reports the primaries the rule itself pins, without suppressing the table for nothing', () => {
    // Three ones under a row total of 3 with threshold 3: each suppressed primary is >= 1 and their total <= 3.
    const pinned = datasetTable({ dataset: 'p', span: 'period', rows: ['a', 'b'], columns: ['x', 'y', 'z'], months: ['2026-01'], threshold: 3, minIntervalWidth: 2 });
    const counts = monthAtoms('p', ['a', 'b'], ['x', 'y', 'z'], '2026-01', [
      [1, 1, 1],
      [9, 8, 7],
    ]);
    const result = protect([pinned], counts, []);
    expect(result.unprotected).toEqual(['p.period|a|x', 'p.period|a|y', 'p.period|a|z', 'p.period|a|total']);
    // Even with row b suppressed too, each one stays exactly 1: the engine gives them up at once.
    const everything = new Map([...result.status.keys()].map((id): [string, CellStatus] => [id, result.values.get(id)! <= 3 ? 'primary' : 'secondary']));
    expect(auditRelease([pinned], counts, [], everything).audit[0]).toMatchObject({ low: 1, high: 1 });
    expect(result.status.get('p.period|all|total')).toBe('shown');
    expect(auditRelease([pinned], counts, [], result.status).audit[0]).toMatchObject({ low: 1, high: 1 });
  });
});
