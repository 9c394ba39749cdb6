/**
 * Closing a wave, whoever closes it (the admin's "Close now", the daily run past the closing date): the status
 * (shared/survey/store.ts), then its results computed and frozen once (the results engine's freezeWaveResults),
 * noted on the wave so that closing again computes nothing. The staff list is deleted after this, in batches, by the
 * survey workflow (./jobs.ts).
 */
import type { Actor } from '#shared/audit/index.ts';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import { surveyMinGroupSize } from '#shared/survey/results/settings.ts';
import { keys } from '#shared/storage/keys.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import type { SurveyWave } from '#shared/survey/model.ts';
import { freezeWaveResults } from '#shared/survey/results/freeze.ts';
import { SurveyWaves } from '#shared/survey/store.ts';

export interface ClosedWave {
  wave: SurveyWave;
  /** False: the wave was closed already (nothing changed). */
  closedNow: boolean;
  /** False: its results had been frozen already (nothing was computed). */
  frozenNow: boolean;
}

/** Closes a wave and freezes its results, each at most once; undefined for a wave that does not exist. */
export async function closeWave(table: ScopedTable, actor: Actor, waveId: string, jurisdiction: Pick<Jurisdiction, 'name' | 'units'>, now: () => Date = () => new Date()): Promise<ClosedWave | undefined> {
  const closed = await new SurveyWaves(table, now).close(actor, waveId);
  if (!closed) return undefined;
  const { wasOpen, ...wave } = closed;
  if (wave.resultsFrozenAt) return { wave, closedNow: wasOpen, frozenNow: false };
  await freezeWaveResults(table, wave, {
    jurisdictionLabel: jurisdiction.name,
    units: jurisdiction.units.map((u) => ({ code: u.code, label: u.label })),
    minGroupSize: surveyMinGroupSize(),
    now: now(),
  });
  const at = now().toISOString();
  const updated = await table.update({ key: keys.surveyWave(waveId), update: { expression: 'SET resultsFrozenAt = if_not_exists(resultsFrozenAt, :at)', values: { ':at': at } } });
  return { wave: { ...wave, resultsFrozenAt: String(updated?.resultsFrozenAt ?? at) }, closedNow: wasOpen, frozenNow: true };
}
