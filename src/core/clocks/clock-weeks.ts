/**
 * Week-coarsened times for clocks that count from a personal date (an age-out alert counts from a date of
 * birth). Their exact dates are sealed with the vault; the plain columns keep only the week (Monday 00:00 UTC
 * on or before the exact time), which is all the reminder job needs to know when to look again, and which
 * no longer tells the day a person was born.
 */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: the first Monday is 4 days later. */
const MONDAY_MS = 4 * DAY_MS;

/** The start of the week (Monday 00:00 UTC) that holds `ms`. */
export function weekStartMs(ms: number): number {
  return Math.floor((ms - MONDAY_MS) / WEEK_MS) * WEEK_MS + MONDAY_MS;
}

/** {@link weekStartMs} as ISO-8601 text (`2026-06-29T00:00:00.000Z`). */
export function weekStartIso(ms: number): string {
  return new Date(weekStartMs(ms)).toISOString();
}

/**
 * The ISO week label of the week that holds `ms` (`2026-W27`): a coarse due "date" that can never be
 * mistaken for, or equal, a real date.
 */
export function isoWeekLabel(ms: number): string {
  // The ISO week-year is the year of the week's Thursday; week 1 holds the year's first Thursday.
  const thursday = new Date(weekStartMs(ms) + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / WEEK_MS) + 1;
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}
