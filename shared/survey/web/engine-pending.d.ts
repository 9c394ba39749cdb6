/**
 * The results engine's modules as shared/survey/web/results-data.ts uses them, declared until they are on this
 * branch (the signatures of the survey design). Delete this file when the engine's files are merged: the real
 * modules then type the same imports.
 */
declare module '#shared/survey/results/store.ts' {
  import type { ScopedTable } from '#shared/storage/scoped-table.ts';
  import type { FrozenWaveResults } from '#shared/survey/results/types.ts';
  export class SurveyResults {
    constructor(table: ScopedTable);
    get(waveId: string): Promise<FrozenWaveResults | undefined>;
    listClosed(): Promise<FrozenWaveResults[]>;
  }
}
declare module '#shared/survey/results/compare.ts' {
  import type { FormDefinition } from '#forms/types.ts';
  import type { FrozenWaveResults, GroupResult, ScaleCell, ScaleComparison, ScaleTarget } from '#shared/survey/results/types.ts';
  export function compareToBaseline(current: FrozenWaveResults, closedWaves: FrozenWaveResults[], targets: ScaleTarget[], groupId?: string): ScaleComparison[];
  export function poolJurisdictions(latest: FrozenWaveResults[], definition: FormDefinition, minGroupSize: number): GroupResult;
  export function trend(closedWaves: FrozenWaveResults[], groupId: string): { waveId: string; closedOn: string; title: string; scales: ScaleCell[] }[];
}
declare module '#shared/survey/results/settings.ts' {
  export function surveyMinGroupSize(): number;
}
