/**
 * Calendar dates as people type them (`YYYY-MM-DD`), checked one way everywhere: the public forms, the staff
 * screens and the APIs accept the same dates, so an answer a form step took is never refused at submission.
 */

/** The first and last years a date may fall in: births, events, hearings and budget periods all fit. */
export const DATE_YEARS = { earliest: 1900, latest: 2199 } as const;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date `YYYY-MM-DD` (not 2026-02-30) within {@link DATE_YEARS}. */
export function isIsoDate(value: string): boolean {
  return dateProblem(value) === null;
}

/** Why `value` is not an accepted date: `format` (not a real `YYYY-MM-DD` day) or `year` (outside {@link DATE_YEARS}). */
export function dateProblem(value: string): 'format' | 'year' | null {
  const m = ISO_DATE.exec(value);
  if (!m) return 'format';
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return 'format';
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return 'format';
  return year < DATE_YEARS.earliest || year > DATE_YEARS.latest ? 'year' : null;
}
