/**
 * Survey waves: a jurisdiction admin opens a wave of the safety culture survey and shares ONE link with all staff;
 * anyone with the link answers without signing in. The link is the same for everyone (a per-person link would make
 * the survey only "coded", not anonymous), and a response carries no person, no time, no address: only the answers.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';

export const SURVEY_FORM_ID = 'safety_culture_survey';

/** 128 random bits, base64url: unguessable, and short enough to paste into an e-mail. */
export const newLinkToken = (): string => randomBytes(16).toString('base64url');
export const LINK_TOKEN = /^[A-Za-z0-9_-]{22}$/;

export const WAVE_STATUSES = ['open', 'closed'] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

/** Longest a wave may stay open: a survey is a snapshot, and a forgotten open link invites stray answers. */
export const MAX_WAVE_DAYS = 120;

export const openWaveInputSchema = z.lazy(() => z.object({
  title: z
    .string({ error: 'Enter a title for the wave' })
    .check(z.trim(), z.minLength(1, 'Enter a title for the wave, such as "Spring 2027"'), z.maxLength(120, 'A title has at most 120 characters')),
  closesOn: z.iso.date({ error: 'Enter the closing date as a date, such as 2027-03-31' }),
}));
export type OpenWaveInput = z.input<typeof openWaveInputSchema>;

export interface SurveyWave {
  waveId: string;
  jurisdictionId: string;
  title: string;
  formId: string;
  formVersion: number;
  status: WaveStatus;
  linkToken: string;
  /** Last day answers are taken (inclusive, UTC). */
  closesOn: string;
  openedAt: string;
  closedAt?: string;
  responseCount: number;
}

/** Whether a wave takes answers on `today` (YYYY-MM-DD, UTC). */
export const acceptsAnswers = (wave: Pick<SurveyWave, 'status' | 'closesOn'>, today: string): boolean => wave.status === 'open' && today <= wave.closesOn;

export const todayUtc = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/** The date `days` after a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The path of a wave's anonymous survey page (the link staff get). */
export const surveyPath = (jurisdictionId: string, linkToken: string) => `/survey/${encodeURIComponent(jurisdictionId)}/${encodeURIComponent(linkToken)}`;
