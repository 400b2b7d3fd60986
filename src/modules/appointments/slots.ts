/**
 * Slots are computed, not stored: a site's opening hours for the weekday, cut into the service's slot length,
 * minus the jurisdiction's holidays and the site's own closures. Only the number of seats taken per slot is
 * stored (`appointment_slot_counters`). Pure functions; the availability service feeds them from the database.
 */
import { addDays, dateMs, weekdayOf, zonedToUtc } from './zoned-time.ts';

/** One opening range of a weekday, in minutes after local midnight (`closes` is exclusive). */
export interface OpeningRange {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  opens: number;
  closes: number;
}

/** A site closure, inclusive of both dates. */
export interface ClosureRange {
  fromDate: string;
  toDate: string;
}

/** A computed slot. */
export interface Slot {
  start: Date;
  end: Date;
}

/** Why a day has no slots (shown to staff; residents simply do not see the day). */
export type ClosedReason = 'holiday' | 'closure' | 'no-hours';

/** What decides the slots of one day at one site for one service. */
export interface DayRules {
  timeZone: string;
  slotMinutes: number;
  hours: readonly OpeningRange[];
  closures: readonly ClosureRange[];
  /** The jurisdiction's holiday calendar (`isHoliday` of `core/jurisdiction`). */
  isHoliday(isoDate: string): boolean;
}

/** Whether the site is closed on `date`, and why; `null` when it is open. */
export function closedReason(rules: DayRules, date: string): ClosedReason | null {
  if (rules.isHoliday(date)) return 'holiday';
  if (rules.closures.some((c) => c.fromDate <= date && date <= c.toDate)) return 'closure';
  const weekday = weekdayOf(date);
  if (!rules.hours.some((h) => h.weekday === weekday && h.closes > h.opens)) return 'no-hours';
  return null;
}

/**
 * The slots of one day, in time order: each opening range of the weekday cut into `slotMinutes` pieces that
 * fit entirely inside it. Overlapping ranges do not create the same slot twice; a wall time that does not
 * exist (clocks going forward) creates no slot.
 */
export function slotsOfDay(rules: DayRules, date: string): Slot[] {
  if (closedReason(rules, date) !== null) return [];
  const weekday = weekdayOf(date);
  const step = rules.slotMinutes;
  const seen = new Set<number>();
  const out: Slot[] = [];
  const at = wallClock(rules.timeZone, date);
  for (const range of rules.hours) {
    if (range.weekday !== weekday) continue;
    for (let m = range.opens; m + step <= range.closes; m += step) {
      const start = at(m);
      const end = at(m + step);
      if (!start || !end || seen.has(start.getTime())) continue;
      seen.add(start.getTime());
      out.push({ start, end });
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/**
 * Minutes after local midnight of `date` → instant. On the many days without a clock change the day is 24
 * hours long and the offset is constant, so one conversion at midnight serves the whole day (the time-zone
 * lookups are what availability spends its time on); a day with a change takes the exact path per minute.
 */
function wallClock(timeZone: string, date: string): (minutes: number) => Date | null {
  const midnight = zonedToUtc(timeZone, date, 0);
  const next = zonedToUtc(timeZone, addDays(date, 1), 0);
  if (midnight && next && next.getTime() - midnight.getTime() === 86_400_000 && midnight.getTime() - dateMs(date) === next.getTime() - dateMs(addDays(date, 1))) {
    const base = midnight.getTime();
    return (minutes) => new Date(base + minutes * 60_000);
  }
  return (minutes) => zonedToUtc(timeZone, date, minutes);
}

/** Every date from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}

/** True when `start` is one of the computed slots of its day (bookings must land on the grid). */
export function isSlotStart(rules: DayRules, date: string, start: Date): Slot | null {
  return slotsOfDay(rules, date).find((s) => s.start.getTime() === start.getTime()) ?? null;
}
