/**
 * Small-cell protection of a full quarterly release (docs/reports-protection.md): 32 jurisdictions, 12 datasets of
 * 4 to 19 categories, each released as period and year-to-date tables, the Q3 release protected against a ledger
 * holding Q1's and Q2's releases (each protected in turn first, as the pipeline would have). Counts from a seeded
 * generator: jurisdictions of very different sizes, categories of very different frequencies, so most cells are
 * small. The Q3 suppression plus audit is held to the target; the earlier quarters are printed for information.
 */
import { protect, type LedgerCell, type ProtectionResult, type ProtectionTable } from '#shared/reports/protection/index.ts';
import { ledgerOf } from '#shared/reports/run.ts';
import { DEFAULT_WIDTH } from '#shared/reports/settings.ts';
import type { BenchRow } from './types.ts';
import { seeded } from './seeded.ts';

const JURISDICTIONS = 32;
const CATEGORIES = [4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 19];
const THRESHOLD = 10;
/** The default width for a threshold of 10 (shared/reports/settings.ts). */
const WIDTH = DEFAULT_WIDTH(THRESHOLD);
const TARGET_MS = 10_000;
const YEAR = 2026;
const QUARTERS = [1, 2, 3].map((q) => Array.from({ length: 3 }, (_, m) => `${YEAR}-${String(3 * (q - 1) + m + 1).padStart(2, '0')}`));


function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

function syntheticAtoms(): Map<string, number> {
  const random = seeded(13);
  const atoms = new Map<string, number>();
  // Approved reviews per month: a few large jurisdictions, most small (0.5 to about 12 a month).
  const sizes = Array.from({ length: JURISDICTIONS }, () => 0.5 + 11.5 * random() ** 2.5);
  CATEGORIES.forEach((count, d) => {
    const weights = Array.from({ length: count }, (_, c) => 0.65 ** c * (0.5 + random()));
    const total = weights.reduce((s, w) => s + w, 0);
    for (let j = 0; j < JURISDICTIONS; j++) {
      for (const month of QUARTERS.flat()) {
        for (let c = 0; c < count; c++) {
          const n = poisson(random, (sizes[j]! * weights[c]!) / total * (1 + d / 6));
          if (n > 0) atoms.set(`ds${d}|j${j}|c${c}|${month}`, n);
        }
      }
    }
  });
  return atoms;
}

function tables(quarter: number): ProtectionTable[] {
  const ytd = QUARTERS.slice(0, quarter).flat();
  return CATEGORIES.flatMap((count, d) =>
    (['period', 'year_to_date'] as const).map((span): ProtectionTable => {
      const months = span === 'period' ? QUARTERS[quarter - 1]! : ytd;
      const columns = Array.from({ length: count }, (_, c) => `c${c}`);
      const rows = Array.from({ length: JURISDICTIONS }, (_, j) => `j${j}`);
      const cell = (rs: string[], cs: string[], row: string, column: string) => ({ id: `ds${d}.${span}|${row}|${column}`, atoms: rs.flatMap((r) => cs.flatMap((c) => months.map((m) => `ds${d}|${r}|${c}|${m}`))) });
      return {
        id: `ds${d}.${span}`,
        threshold: THRESHOLD,
        minIntervalWidth: WIDTH,
        cells: rows.map((r) => columns.map((c) => cell([r], [c], r, c))),
        rowTotals: rows.map((r) => cell([r], columns, r, 'total')),
        columnTotals: columns.map((c) => cell(rows, [c], 'all', c)),
        grandTotal: cell(rows, columns, 'all', 'total'),
      };
    }),
  );
}

const QUARTERS_RUN = (process.env.BENCH_QUARTERS ?? "1,2,3").split(",").map(Number);
const round = (x: number) => Math.round(x * 10) / 10;

export async function benchReportProtection(): Promise<BenchRow[]> {
  const atoms = syntheticAtoms();
  const ledger: LedgerCell[] = [];
  let last: { ms: number; result: ProtectionResult; cells: number; withheld: number } | undefined;
  for (const quarter of QUARTERS_RUN) {
    const release = tables(quarter);
    // The box is shared and noisy (the same run takes 7 to 9 s): the held quarter is protected three times and
    // judged on the median; the engine is deterministic, so each run gives the same result.
    const times: number[] = [];
    let result!: ProtectionResult;
    for (let run = 0; run < (quarter === QUARTERS_RUN.at(-1) ? 3 : 1); run++) {
      const started = performance.now();
      result = protect(release, atoms, ledger);
      times.push(performance.now() - started);
    }
    const ms = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    const cells = result.status.size;
    const withheld = new Set(result.withheld);
    const small = [...result.values.values()].filter((v) => v >= 1 && v <= THRESHOLD).length;
    const zeros = [...result.values.values()].filter((v) => v === 0).length;
    console.log(
      `  Q${quarter}: ${cells} cells (${zeros} zeros, ${small} of 1..${THRESHOLD}), ledger ${ledger.length} cells; ${result.stats.primary} primary, ${result.stats.secondary} secondary, ` +
        `${result.audit.length} intervals audited, ${result.stats.linearPrograms} integer programs, ${result.unprotected.length} unprotected, ${withheld.size} of ${release.length} tables withheld; ${times.map(round).join(', ')} ms`,
    );
    // As the pipeline does: the ledger holds what was published, not the tables held back.
    ledger.push(...ledgerOf(`${YEAR}-Q${quarter}`, release.filter((t) => !withheld.has(t.id)), result).cells);
    last = { ms, result, cells, withheld: withheld.size };
  }
  const { ms, result, cells, withheld } = last!;
  return [
    { group: 'reports', name: `protection of a Q3 release (${JURISDICTIONS} jurisdictions, ${CATEGORIES.length} datasets x 2 spans, Q1+Q2 in the ledger; median of 3)`, value: round(ms), unit: 'ms', target: `<= ${TARGET_MS} ms`, pass: ms <= TARGET_MS },
    { group: 'reports', name: 'Q3 release: cells', value: cells, unit: 'cells' },
    { group: 'reports', name: 'Q3 release: primary suppressions', value: result.stats.primary, unit: 'cells' },
    { group: 'reports', name: 'Q3 release: secondary suppressions', value: result.stats.secondary, unit: 'cells' },
    { group: 'reports', name: 'Q3 release: integer programs solved (yalps)', value: result.stats.linearPrograms, unit: 'LPs' },
    { group: 'reports', name: 'Q3 release: primaries the rule itself pins (unprotected)', value: result.unprotected.length, unit: 'cells' },
    { group: 'reports', name: 'Q3 release: tables withheld whole', value: withheld, unit: 'tables' },
  ];
}
