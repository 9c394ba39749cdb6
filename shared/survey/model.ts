/**
 * Survey waves: a jurisdiction admin opens a wave of the safety culture survey in one of two modes: ONE open link for
 * all staff (anyone with it answers), or personal single-use invitations emailed to the staff list the admin imports
 * (shared/survey/invitations/). Either way a response carries no person, no time, no address: only the answers and
 * the unit; a used invitation is deleted in the same transaction that stores the response, so nothing stored says
 * which invitee gave which answers (docs/survey.md).
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';

export const SURVEY_FORM_ID = 'safety_culture_survey';

/** 128 random bits, base64url: unguessable, and short enough to paste into an e-mail. */
export const newLinkToken = (): string => randomBytes(16).toString('base64url');
export const LINK_TOKEN = /^[A-Za-z0-9_-]{22}$/;
/**
 * A personal invitation token: the wave id (so a link of a closed wave can say "closed") and 128 bits derived with a
 * secret key from the invitation's random id (shared/survey/invitations/tokens.ts).
 */
export const PERSONAL_TOKEN = /^[0-9A-HJKMNP-TV-Z]{26}[A-Za-z0-9_-]{22}$/;

export const WAVE_MODES = ['open_link', 'invitations'] as const;
export type WaveMode = (typeof WAVE_MODES)[number];
/** At most this many reminder days per wave: a person gets at most two reminders. */
export const MAX_REMINDER_DAYS = 2;

export const WAVE_STATUSES = ['open', 'closed'] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

/** Longest a wave may stay open: a survey is a snapshot, and a forgotten open link invites stray answers. */
export const MAX_WAVE_DAYS = 120;

export const openWaveInputSchema = z.lazy(() => z.object({
  title: z
    .string({ error: 'Enter a title for the wave' })
    .check(z.trim(), z.minLength(1, 'Enter a title for the wave, such as "Spring 2027"'), z.maxLength(120, 'A title has at most 120 characters')),
  closesOn: z.iso.date({ error: 'Enter the closing date as a date, such as 2027-03-31' }),
  mode: z.optional(z.enum(WAVE_MODES, { error: 'Choose how staff get the survey: one open link, or personal invitations' })),
  reminderDays: z.optional(z.array(z.iso.date({ error: 'Enter each reminder day as a date, such as 2027-03-20' })).check(z.maxLength(MAX_REMINDER_DAYS, `Pick at most ${MAX_REMINDER_DAYS} reminder days`))),
}));
export type OpenWaveInput = z.input<typeof openWaveInputSchema>;

export interface SurveyWave {
  waveId: string;
  jurisdictionId: string;
  title: string;
  formId: string;
  formVersion: number;
  status: WaveStatus;
  /** The open link's token (open-link mode); invitation-mode waves have none (an empty string). */
  linkToken: string;
  mode: WaveMode;
  /** Invitation mode: 0-2 days (YYYY-MM-DD, after the opening day, up to the closing date) when reminders go out. */
  reminderDays: string[];
  /** Last day answers are taken (inclusive, UTC). */
  closesOn: string;
  openedAt: string;
  closedAt?: string;
  responseCount: number;
  /** Invitation counters, counts only: people invited, invitation emails sent, reminder emails sent, answered. */
  invited: number;
  sent: number;
  reminded: number;
  answered: number;
  /** People per unit code of the imported staff list (kept after close: response rates). */
  staffCounts?: Record<string, number>;
  /** The staff list imports whose invitations are written (the sending workflow only sends those). */
  imports: string[];
  /** When the staff list partition was deleted (after close). */
  staffListDeletedAt?: string;
  /** When the wave's results were computed and frozen (at close; never again). */
  resultsFrozenAt?: string;
  /** A staff list import under way (its invitations are being written). */
  importing?: boolean;
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

/** The path of a jurisdiction's survey start page; the token follows `#`, so no request (and no access log) carries it. */
export const surveyPath = (jurisdictionId: string) => `/survey/${encodeURIComponent(jurisdictionId)}`;

/** The link staff get: `<origin>/survey/<jurisdiction>#<token>` (open-link or personal token). */
export const surveyLink = (appOrigin: string, jurisdictionId: string, token: string) => `${appOrigin}${surveyPath(jurisdictionId)}#${token}`;

/** The token in what a person pasted: the code itself, or a whole link (whatever follows `#`). */
export function tokenOf(pasted: string): string {
  const text = pasted.trim();
  const hash = text.lastIndexOf('#');
  return (hash >= 0 ? text.slice(hash + 1) : text).trim();
}
