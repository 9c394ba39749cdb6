/** The frozen results of a jurisdiction's closed waves (through its scoped table handle: no other's are reachable). */
import { keys, partitions, RESULTS_SK_PREFIX } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';
import type { FrozenWaveResults } from './types.ts';

const resultsOf = (item: Item): FrozenWaveResults => item.results as FrozenWaveResults;

export class SurveyResults {
  constructor(private readonly table: ScopedTable) {}

  /** A wave's frozen results, or undefined before the wave's close step ran. */
  async get(waveId: string): Promise<FrozenWaveResults | undefined> {
    const item = await this.table.get(keys.surveyResults(waveId), { consistent: true });
    return item ? resultsOf(item) : undefined;
  }

  /** Every closed wave's results, oldest first (by closing day, then wave id). */
  async listClosed(): Promise<FrozenWaveResults[]> {
    const out: FrozenWaveResults[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.table.query({ partition: partitions.survey, sk: { beginsWith: RESULTS_SK_PREFIX }, ...(startKey ? { startKey } : {}) });
      out.push(...page.items.map(resultsOf));
      startKey = page.lastKey;
    } while (startKey);
    return out.sort((a, b) => a.closedOn.localeCompare(b.closedOn) || a.waveId.localeCompare(b.waveId));
  }
}
