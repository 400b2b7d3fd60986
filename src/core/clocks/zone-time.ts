/**
 * Civil days and a time zone's UTC offsets, fast enough for the clock engine's loops (recomputing 100,000
 * clocks must take well under a second, and `Intl.DateTimeFormat` costs microseconds per call).
 *
 * A civil date is held as a **day number**: days since 1970-01-01 in the proleptic Gregorian calendar,
 * independent of any time zone. An instant is milliseconds since the epoch (UTC). A {@link Zone} converts
 * between the two from a table of the zone's offset transitions, built once per year from `Intl` and then
 * read by binary search, so a deadline is a local date or a local date-time and never a naive UTC date:
 * daylight-saving changes move the instant, not the local day.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Day number of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`): integer arithmetic only,
 * valid far beyond any year a clock will see.
 */
export function dayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The civil date of a day number (Hinnant's `civil_from_days`). `month` is 1–12. */
export function civilFromDay(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** The year of a day number, without allocating. */
export function yearOfDay(dayNumber: number): number {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

/** 0 = Sunday … 6 = Saturday. Day 0 (1970-01-01) was a Thursday. */
export function weekdayOfDay(dayNumber: number): number {
  return (((dayNumber % 7) + 7) % 7 + 4) % 7;
}

/** Days in a month of a year (February of leap years has 29). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Adds calendar months, clamping to the end of a shorter month: 31 January + 1 month = 28/29 February. */
export function addMonthsToDay(dayNumber: number, months: number): number {
  const { year, month, day } = civilFromDay(dayNumber);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return dayFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** `YYYY-MM-DD` of a day number (years 0–9999). */
export function dayToIso(dayNumber: number): string {
  const { year, month, day } = civilFromDay(dayNumber);
  return `${String(year).padStart(4, '0')}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
}

const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const MS_PER_DAY = 86_400_000;
const LAST_FOUR_DIGIT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * `new Date(ms).toISOString()`, several times faster (a recomputation writes hundreds of thousands of times):
 * the same text for every instant from year 0000 to 9999, and the same exception outside JavaScript's range.
 */
export function instantToIso(ms: number): string {
  if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_MS && Number.isInteger(ms))) return new Date(ms).toISOString();
  const dayNumber = Math.floor(ms / MS_PER_DAY);
  let rest = ms - dayNumber * MS_PER_DAY;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${dayToIso(dayNumber)}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${THREE_DIGITS[milli]}Z`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Digits at `at`…`at + n - 1` of `s` as a number, or -1 if any is not a digit. */
function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `Date.parse` of an instant, several times faster for the text {@link instantToIso} writes
 * (`YYYY-MM-DDTHH:MM:SS.sssZ`, which a recomputation reads hundreds of thousands of times); any other text goes
 * to `Date.parse` (NaN when it is not a date).
 */
export function isoToInstant(iso: string): number {
  if (iso.length === 24 && iso.charCodeAt(4) === 45 && iso.charCodeAt(7) === 45 && iso.charCodeAt(10) === 84 && iso.charCodeAt(13) === 58 && iso.charCodeAt(16) === 58 && iso.charCodeAt(19) === 46 && iso.charCodeAt(23) === 90) {
    const year = digitsAt(iso, 0, 4);
    const month = digitsAt(iso, 5, 2);
    const day = digitsAt(iso, 8, 2);
    const hour = digitsAt(iso, 11, 2);
    const minute = digitsAt(iso, 14, 2);
    const second = digitsAt(iso, 17, 2);
    const milli = digitsAt(iso, 20, 3);
    if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && milli >= 0) {
      return dayFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + milli;
    }
  }
  return Date.parse(iso);
}

/**
 * The day number of an ISO `YYYY-MM-DD` date.
 * @throws RangeError for anything that is not a real calendar date (2026-02-30, 2026-2-1, …)
 */
export function isoToDay(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return dayFromCivil(year, month, day);
  }
  throw new RangeError(`Not an ISO calendar date (YYYY-MM-DD): "${iso}"`);
}

/** `HH:MM` → minutes after midnight. */
export function minutesOfHhmm(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Offsets of one UTC year: `offsets[0]` from the year's start, `offsets[i]` from `at[i - 1]`. */
interface YearOffsets {
  at: number[];
  offsets: number[];
}

const zones = new Map<string, Zone>();

/**
 * A time zone's offsets from UTC, as a transition table. `offsetAt(ms)` is what to add to a UTC instant to
 * read the local wall clock.
 */
export class Zone {
  readonly #format: Intl.DateTimeFormat;
  readonly #years = new Map<number, YearOffsets>();
  #lastYear = Number.NaN;
  #last: YearOffsets = { at: [], offsets: [0] };

  private constructor(readonly timeZone: string) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The shared instance for an IANA zone name. @throws RangeError for a zone the runtime does not know */
  static for(timeZone: string): Zone {
    let zone = zones.get(timeZone);
    if (!zone) {
      zone = new Zone(timeZone);
      zones.set(timeZone, zone);
    }
    return zone;
  }

  /** The offset at an instant straight from `Intl` (slow; used to build the table). */
  #rawOffset(ms: number): number {
    const second = Math.floor(ms / 1000) * 1000;
    let y = 0;
    let mo = 1;
    let d = 1;
    let h = 0;
    let mi = 0;
    let s = 0;
    for (const part of this.#format.formatToParts(second)) {
      const v = Number(part.value);
      switch (part.type) {
        case 'year': y = v; break;
        case 'month': mo = v; break;
        case 'day': d = v; break;
        case 'hour': h = v; break;
        case 'minute': mi = v; break;
        case 'second': s = v; break;
        default: break;
      }
    }
    return (dayFromCivil(y, mo, d) * DAY_MS + h * HOUR_MS + mi * MINUTE_MS + s * 1000) - second;
  }

  /**
   * Samples the year once a day and bisects every change to the second. Two transitions within one day
   * would be missed; no zone in the IANA database has had one since 1970.
   */
  #buildYear(year: number): YearOffsets {
    const start = dayFromCivil(year, 1, 1) * DAY_MS;
    const end = dayFromCivil(year + 1, 1, 1) * DAY_MS;
    const at: number[] = [];
    const offsets = [this.#rawOffset(start)];
    let prevT = start;
    let prevO = offsets[0] as number;
    for (let t = start + DAY_MS; ; t += DAY_MS) {
      const sample = Math.min(t, end - 1000);
      const o = this.#rawOffset(sample);
      if (o !== prevO) {
        let lo = prevT;
        let hi = sample;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.#rawOffset(mid) === prevO) lo = mid;
          else hi = mid;
        }
        at.push(hi);
        offsets.push(o);
        prevO = o;
      }
      prevT = sample;
      if (sample >= end - 1000) break;
    }
    return { at, offsets };
  }

  /** Milliseconds to add to the UTC instant `ms` to get the local wall-clock time. */
  offsetAt(ms: number): number {
    const year = yearOfDay(Math.floor(ms / DAY_MS));
    let table: YearOffsets;
    if (year === this.#lastYear) table = this.#last;
    else {
      let found = this.#years.get(year);
      if (!found) {
        found = this.#buildYear(year);
        this.#years.set(year, found);
      }
      table = found;
      this.#lastYear = year;
      this.#last = found;
    }
    const at = table.at;
    let i = 0;
    while (i < at.length && ms >= (at[i] as number)) i++;
    return table.offsets[i] as number;
  }

  /** The local day number of an instant. */
  localDay(ms: number): number {
    return Math.floor((ms + this.offsetAt(ms)) / DAY_MS);
  }

  /** Milliseconds since local midnight at an instant. */
  localMsOfDay(ms: number): number {
    const local = ms + this.offsetAt(ms);
    return local - Math.floor(local / DAY_MS) * DAY_MS;
  }

  /**
   * The instant of a local wall-clock time (`msOfDay` after midnight of local day `dayNumber`; may be a
   * full day, meaning the next midnight). A time skipped by a spring-forward gap resolves to the same wall
   * time after the gap (02:30 → 03:30); a time repeated by a fall-back resolves to its first occurrence —
   * the same choice as `Temporal`'s "compatible" disambiguation.
   */
  instantOf(dayNumber: number, msOfDay = 0): number {
    const local = dayNumber * DAY_MS + msOfDay;
    const before = this.offsetAt(local - DAY_MS);
    const after = this.offsetAt(local + DAY_MS);
    const a = local - before;
    if (before === after) return a;
    const b = local - after;
    const aValid = this.offsetAt(a) === before;
    const bValid = this.offsetAt(b) === after;
    if (aValid && bValid) return Math.min(a, b);
    if (bValid) return b;
    return a;
  }
}
