/**
 * The results pages' one door to the results engine (shared/survey/results/: store, compare, settings). The pages
 * build their view models from what these return (shared/survey/web/results-view.ts), so everything else of theirs
 * is tested with fixture objects.
 */
import type { FormDefinition } from '#forms/types.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import { compareToBaseline, poolJurisdictions, trend } from '#shared/survey/results/compare.ts';
import { surveyMinGroupSize } from '#shared/survey/results/settings.ts';
import { SurveyResults } from '#shared/survey/results/store.ts';
import type { FrozenWaveResults, GroupResult, ScaleCell, ScaleComparison, ScaleTarget } from '#shared/survey/results/types.ts';

export type TrendWave = { waveId: string; closedOn: string; title: string; scales: ScaleCell[] };

export interface ResultsEngine {
  get(table: ScopedTable, waveId: string): Promise<FrozenWaveResults | undefined>;
  /** Oldest first. */
  listClosed(table: ScopedTable): Promise<FrozenWaveResults[]>;
  compareToBaseline(current: FrozenWaveResults, closedWaves: FrozenWaveResults[], targets: ScaleTarget[], groupId?: string): ScaleComparison[];
  trend(closedWaves: FrozenWaveResults[], groupId: string): TrendWave[];
  poolJurisdictions(latest: FrozenWaveResults[], definition: FormDefinition, minGroupSize: number): GroupResult;
  minGroupSize(): number;
}

export const resultsEngine: ResultsEngine = {
  get: (table, waveId) => new SurveyResults(table).get(waveId),
  listClosed: (table) => new SurveyResults(table).listClosed(),
  compareToBaseline,
  trend,
  poolJurisdictions,
  minGroupSize: surveyMinGroupSize,
};
