/**
 * Consent: which of a jurisdiction's approved records a warehouse release may carry, from its data-sharing agreement
 * in the registry (shared/jurisdictions/model.ts). Pure; fails closed: no agreement, a withdrawn one, or a window
 * that has not opened yet shares nothing.
 */
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';

/** Why a jurisdiction's records are left out of a release (the manifest says it). */
export type NotSharedReason =
  /** The registry holds no data-sharing agreement for it. */
  | 'no agreement'
  /** Its agreement says it does not share (withdrawn, or recorded but not given). */
  | 'not sharing'
  /** The release date minus the lag falls on or before the agreement's start: no approved record is old enough yet. */
  | 'lag not passed'
  /** It is no longer an active partner: a jurisdiction that left shares nothing more, whatever its agreement said. */
  | 'inactive';

/** Records approved on or after `from` and before `until` (days, UTC) are shared. */
export type WarehouseWindow = { shares: false; reason: NotSharedReason } | { shares: true; from: string; until: string };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(day: string): { y: number; m: number; d: number } {
  const match = DAY.exec(day);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [Number.NaN, Number.NaN, Number.NaN];
  const date = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC rolls 2026-02-30 over to March: a day that does not survive the round trip does not exist.
  if (!match || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    throw new RangeError(`A release date is a day written YYYY-MM-DD, not "${day.slice(0, 40)}"`);
  }
  return { y, m, d };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The day `months` months before `day`. A day the earlier month does not have becomes that month's last day
 * (31 March minus 1 month is 28 or 29 February), as calendars count "two years ago" on 29 February.
 */
export function monthsBefore(day: string, months: number): string {
  const { y, m, d } = parseDay(day);
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, lastDay))}`;
}

/**
 * The approval window of a jurisdiction's records in the release of `releaseDate` (YYYY-MM-DD): from the agreement's
 * start (inclusive) to the release date minus the agreement's lag (exclusive).
 */
export function warehouseWindow(jurisdiction: Pick<Jurisdiction, 'dataSharing'> & { active?: boolean }, releaseDate: string): WarehouseWindow {
  parseDay(releaseDate);
  if (jurisdiction.active === false) return { shares: false, reason: 'inactive' };
  const agreement = jurisdiction.dataSharing;
  if (!agreement) return { shares: false, reason: 'no agreement' };
  if (!agreement.sharesWithWarehouse) return { shares: false, reason: 'not sharing' };
  const until = monthsBefore(releaseDate, agreement.lagMonths);
  // Days written YYYY-MM-DD order as strings.
  if (until <= agreement.since) return { shares: false, reason: 'lag not passed' };
  return { shares: true, from: agreement.since, until };
}

/** Whether a record approved at `approvedAt` (an ISO instant or a day) falls in the window, by its UTC day. */
export function approvedInWindow(window: WarehouseWindow, approvedAt: string): boolean {
  if (!window.shares) return false;
  const instant = new Date(approvedAt);
  if (Number.isNaN(instant.getTime())) return false;
  const day = instant.toISOString().slice(0, 10);
  return day >= window.from && day < window.until;
}
