/**
 * Freezing a closed wave's results: read its responses page by page into per-unit totals (memory stays flat however
 * many answered), compute the protected results once, and put them once. A wave closed twice (the admin's button and
 * the daily run, or a retried step) finds the stored results and computes nothing again; two closes at the same
 * moment both put with attribute_not_exists, and the loser returns what the winner stored.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { getForm } from '#shared/forms/registry.ts';
import { keys, partitions, RESPONSE_SK_PREFIX } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';
import type { SurveyWave } from '#shared/survey/model.ts';
import { WaveAccumulator, type SurveyUnit } from './compute.ts';
import { SurveyResults } from './store.ts';
import type { FrozenWaveResults } from './types.ts';

/** Responses per Query page: a page's answers are all the memory the read holds at once. */
const PAGE_SIZE = 500;

export interface FreezeContext {
  jurisdictionLabel: string;
  units: SurveyUnit[];
  minGroupSize: number;
  now: Date;
  /** Responses per Query page (tests use a small one to cross page boundaries). */
  pageSize?: number;
}

/** The wave as stored (invitation mode adds its staff counts per unit). */
export type FreezableWave = SurveyWave & { staffCounts?: Readonly<Record<string, number>> };

export async function freezeWaveResults(table: ScopedTable, wave: FreezableWave, context: FreezeContext): Promise<FrozenWaveResults> {
  if (wave.status !== 'closed') throw new Error('Only a closed wave has results to freeze');
  const store = new SurveyResults(table);
  const stored = await store.get(wave.waveId);
  if (stored) return stored;

  const accumulator = new WaveAccumulator(getForm(wave.formId, wave.formVersion), context.units);
  let startKey: Item | undefined;
  do {
    const page = await table.query({
      partition: partitions.surveyResponses(wave.waveId),
      sk: { beginsWith: RESPONSE_SK_PREFIX },
      attributes: ['answers'],
      limit: context.pageSize ?? PAGE_SIZE,
      consistent: true,
      ...(startKey ? { startKey } : {}),
    });
    for (const item of page.items) accumulator.add(item.answers as Readonly<Record<string, unknown>>);
    startKey = page.lastKey;
  } while (startKey);

  const results = accumulator.results({
    jurisdictionId: table.jurisdictionId,
    jurisdictionLabel: context.jurisdictionLabel,
    ...(wave.staffCounts ? { staffCounts: wave.staffCounts } : {}),
    minGroupSize: context.minGroupSize,
    wave: {
      waveId: wave.waveId,
      title: wave.title,
      closedOn: (wave.closedAt ?? context.now.toISOString()).slice(0, 10),
      formId: wave.formId,
      formVersion: wave.formVersion,
    },
    computedAt: context.now.toISOString(),
  });
  try {
    await table.put({
      key: keys.surveyResults(wave.waveId),
      attributes: { kind: 'survey_results', waveId: wave.waveId, closedOn: results.closedOn, results },
      condition: { expression: 'attribute_not_exists(pk)' },
    });
    return results;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const winner = await store.get(wave.waveId);
    if (!winner) throw error;
    return winner;
  }
}
