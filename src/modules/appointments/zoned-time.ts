/**
 * Wall-clock arithmetic in the jurisdiction's time zone, with nothing but `Intl`: opening hours are local
 * times ("09:00 on Tuesdays in Minneapolis"), bookings are stored as UTC instants, and the two must agree
 * across daylight-saving changes.
 */

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall time at `instant` in `timeZone`, as if it were UTC (milliseconds since the epoch). */
function wallClockMs(timeZone: string, instant: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const n = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
}

/** Milliseconds since midnight UTC of a `YYYY-MM-DD` date. Throws `RangeError` on anything else. */
export function dateMs(isoDate: string): number {
  const m = DATE.exec(isoDate);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${isoDate}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== isoDate) throw new RangeError(`not a real date: ${isoDate}`);
  return ms;
}

/** True for a real `YYYY-MM-DD` calendar date. */
export function isIsoDate(value: string): boolean {
  try {
    dateMs(value);
    return true;
  } catch {
    return false;
  }
}

/** The date `days` after `isoDate` (negative goes back). */
export function addDays(isoDate: string, days: number): string {
  return new Date(dateMs(isoDate) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dateMs(b) - dateMs(a)) / DAY_MS);
}

/** Day of the week of a date: 0 = Sunday … 6 = Saturday (as `Date#getUTCDay`). */
export function weekdayOf(isoDate: string): number {
  return new Date(dateMs(isoDate)).getUTCDay();
}

/** The calendar date at `instant` in `timeZone`. */
export function localDateOf(timeZone: string, instant: Date): string {
  return new Date(wallClockMs(timeZone, instant.getTime())).toISOString().slice(0, 10);
}

/** Minutes since local midnight at `instant` in `timeZone`. */
export function localMinutesOf(timeZone: string, instant: Date): number {
  const wall = wallClockMs(timeZone, instant.getTime());
  return Math.floor((wall % DAY_MS) / 60_000);
}

/**
 * The instant at which the wall clock in `timeZone` shows `minutes` after midnight of `isoDate`, or `null`
 * when that wall time does not exist (the hour skipped when clocks go forward). In the repeated hour when
 * clocks go back, the first of the two instants is returned.
 */
export function zonedToUtc(timeZone: string, isoDate: string, minutes: number): Date | null {
  const wall = dateMs(isoDate) + minutes * 60_000;
  // Two rounds: the offset at the first guess may differ from the offset at the answer near a change.
  let guess = wall - (wallClockMs(timeZone, wall) - wall);
  guess = wall - (wallClockMs(timeZone, guess) - guess);
  // In the repeated hour both offsets match; prefer the earlier instant (the first time the clock shows it).
  const earlier = guess - 3_600_000;
  if (wallClockMs(timeZone, earlier) === wall) guess = earlier;
  return wallClockMs(timeZone, guess) === wall ? new Date(guess) : null;
}

/** `HH:MM` (24-hour) → minutes after midnight; `null` when malformed. `24:00` is allowed as the end of a day. */
export function parseClock(value: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes : null;
}

/** Minutes after midnight → `HH:MM`. */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
