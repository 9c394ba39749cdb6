/**
 * The states of the survey workflows' jobs (./jobs.ts runs them): what the web function starts a workflow with, kept
 * apart from the runner so that starting one does not load the mail templates.
 */
import type { Item } from '#shared/storage/scoped-table.ts';

export type Cursor = Item | undefined;
export type ImportJob = { job: 'import'; jurisdictionId: string; waveId: string; importId: string; phase: 'write' | 'commit' | 'send'; chunk: number; offset: number; cursor?: Cursor; done: boolean };
export type RemindJob = { job: 'remind'; jurisdictionId: string; waveId: string; round: number; cursor?: Cursor; done: boolean };
export type CloseJob = { job: 'close'; jurisdictionId: string; waveId: string; phase: 'close' | 'purge'; done: boolean };
export type WaveJob = ImportJob | RemindJob | CloseJob;
export type DailyJob = { job: 'daily'; today: string; items: WaveJob[]; index: number; done: boolean };
export type SurveyJob = WaveJob | DailyJob;

export const importJob = (jurisdictionId: string, waveId: string, importId: string): ImportJob => ({ job: 'import', jurisdictionId, waveId, importId, phase: 'write', chunk: 0, offset: 0, done: false });
export const closeJob = (jurisdictionId: string, waveId: string): CloseJob => ({ job: 'close', jurisdictionId, waveId, phase: 'close', done: false });

