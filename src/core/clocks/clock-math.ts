/**
 * Deadline arithmetic, pure: given clock rules from the jurisdiction profile (`ctx.jurisdiction.clocks`), a
 * start, the intervals a clock was paused and any good-cause extensions, when is it due?
 *
 * Semantics (docs/clocks.md has the worked examples):
 * - **Days** count from the day after the start (the start day is day 0): a request received on 1 March
 *   with 30 days is due on 31 March. `business-days` skip weekends and the rule's holiday calendar.
 *   `months` and `years` clamp to the end of a shorter month (31 January + 1 month = 28/29 February).
 * - A day-based deadline is a **local date** in the jurisdiction's time zone: the clock is overdue from the
 *   local midnight that ends that day (`dueAt`), whatever the server's zone and across daylight-saving changes.
 * - **Hours** are real elapsed hours from the start instant (24 hours across a spring-forward change end at a
 *   later wall-clock time). With `businessHours` or `skipNonBusinessDays` only those hours count.
 * - The last day rolls to the next or previous business day when the rule says so (`dueOnNonBusinessDay`).
 * - **Pauses** (tolling) extend the due date by the paused time measured the rule's way: calendar days
 *   crossed for day, month and year rules (a pause from Monday to Wednesday gives back 2 days), business days
 *   in `[pause day, resume day)` for business-day rules, counted hours for hour rules.
 * - A **good-cause extension** adds calendar days to the rules that allow that reason, then rolls.
 * - A clock made of several rules (**the stricter governs**) is due at the earliest component, which is
 *   named as the governing rule.
 */
import { createHash } from 'node:crypto';
import { type ClockName, type ClockOffset, type ClockRule, type HolidayCalendar, type Jurisdiction, holidaysFor } from '../jurisdiction/index.ts';
import {
  DAY_MS,
  HOUR_MS,
  Zone,
  addMonthsToDay,
  dayFromCivil,
  dayToIso,
  isoToDay,
  minutesOfHhmm,
  MINUTE_MS,
  weekdayOfDay,
  yearOfDay,
} from './zone-time.ts';

/** A rule with the profile name it is known by (the governing rule is reported by name). */
export interface NamedRule {
  name: string;
  rule: ClockRule;
}

/** An interval during which the clock was paused; `to` is the resume time (or now, for an open pause). */
export interface PauseInterval {
  from: Date;
  to: Date;
}

/** A good-cause extension: it applies to the rules whose `goodCauseReasons` list its reason. */
export interface GoodCauseExtension {
  reasonCode: string;
  days: number;
}

/** When a clock is due. */
export interface Due {
  /** The instant the clock becomes overdue: the local midnight after the last day, or the due hour. */
  dueAt: Date;
  /** The last local day to act (`YYYY-MM-DD`); for an hour clock the local date of `dueAt`. */
  dueDate: string;
  /** For an hour clock the local time of `dueAt` (`HH:MM`); `null` for day-based clocks (due by the end of the day). */
  dueTime: string | null;
}

/** The due time of one rule of a composite clock. */
export interface ComponentDue extends Due {
  name: string;
  /** Good-cause days that applied to this rule. */
  extensionDays: number;
}

/** When a composite clock is due, and which rule governs. */
export interface CompositeDue extends Due {
  /** Name of the earliest rule (ties: the first listed). */
  governing: string;
  components: ComponentDue[];
}

/** What to start a clock from: an instant, or a local date (`YYYY-MM-DD`, e.g. a date of birth). */
export type ClockStart = Date | string;

/** Thrown for a rule name the profile does not define, or an impossible input. */
export class ClockRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClockRuleError';
  }
}

/** Bumped when the engine's arithmetic or defaults change, so stored due dates are recomputed. */
export const CLOCK_ENGINE_VERSION = 1;

// ---------------------------------------------------------------------------------------------------------
// Compiled rules and per-profile calculators

/** A rule prepared for fast evaluation. */
export interface CompiledRule {
  readonly name: string;
  readonly rule: ClockRule;
  readonly calendar: HolidayCalendar;
  /** +1 after the start, -1 before it. */
  readonly sign: 1 | -1;
  /** 0 keep, 1 next business day, -1 previous business day. */
  readonly roll: -1 | 0 | 1;
  readonly dayBefore: boolean;
  readonly hourRule: boolean;
  /** Hour rule that counts only some hours (business days, business hours). */
  readonly counting: boolean;
  readonly openMs: number;
  readonly closeMs: number;
  readonly pauseReasons: ReadonlySet<string> | null;
  readonly goodCauseReasons: ReadonlySet<string> | null;
  /** Reminder offsets, furthest from the due time first. */
  readonly reminders: readonly ClockOffset[];
  readonly escalations: ReadonlyArray<{ after: ClockOffset; to: string }>;
}

/** Nominal length of a rule in days, to pick default reminders. */
function spanDays(rule: ClockRule): number {
  switch (rule.unit) {
    case 'hours':
      return rule.amount / 24;
    case 'days':
      return rule.amount;
    case 'business-days':
      return (rule.amount * 7) / 5;
    case 'months':
      return rule.amount * 30;
    case 'years':
      return rule.amount * 365;
  }
}

/**
 * Reminders when the rule names none: an hour before an hour clock (and 4 hours before one of a day or
 * more); 1 day before a short clock, 3 and 1 days before one of a week or more, 30, 7 and 1 days before
 * one of two months or more.
 */
export function defaultReminders(rule: ClockRule): ClockOffset[] {
  if (rule.unit === 'hours') {
    if (rule.amount >= 24) return [{ amount: 4, unit: 'hours' }, { amount: 1, unit: 'hours' }];
    return rule.amount > 1 ? [{ amount: 1, unit: 'hours' }] : [];
  }
  const span = spanDays(rule);
  if (span >= 60) return [{ amount: 30, unit: 'days' }, { amount: 7, unit: 'days' }, { amount: 1, unit: 'days' }];
  if (span >= 7) return [{ amount: 3, unit: 'days' }, { amount: 1, unit: 'days' }];
  return span > 1 ? [{ amount: 1, unit: 'days' }] : [];
}

/** Escalation when the rule names none: a supervisor, at the due time. */
export const DEFAULT_ESCALATIONS: ReadonlyArray<{ after: ClockOffset; to: string }> = Object.freeze([{ after: { amount: 0, unit: 'hours' }, to: 'supervisor' }]);

function offsetLength(o: ClockOffset): number {
  return o.unit === 'hours' ? o.amount / 24 : o.unit === 'business-days' ? (o.amount * 7) / 5 : o.amount;
}

/** Prepares a rule for evaluation (done once per rule per profile). */
export function compileRule(name: string, rule: ClockRule): CompiledRule {
  const hourRule = rule.unit === 'hours';
  const counting = hourRule && (rule.skipNonBusinessDays === true || rule.businessHours !== undefined);
  const reminders = [...(rule.reminders ?? defaultReminders(rule))].sort((a, b) => offsetLength(b) - offsetLength(a));
  const escalations = [...(rule.escalations ?? DEFAULT_ESCALATIONS)].sort((a, b) => offsetLength(a.after) - offsetLength(b.after));
  return Object.freeze({
    name,
    rule,
    calendar: rule.calendar,
    sign: rule.direction === 'before' ? -1 : 1,
    roll: rule.dueOnNonBusinessDay === 'next-business-day' ? 1 : rule.dueOnNonBusinessDay === 'previous-business-day' ? -1 : 0,
    dayBefore: rule.lastDay === 'day-before',
    hourRule,
    counting,
    openMs: rule.businessHours ? minutesOfHhmm(rule.businessHours.start) * MINUTE_MS : 0,
    closeMs: rule.businessHours ? minutesOfHhmm(rule.businessHours.end) * MINUTE_MS : DAY_MS,
    pauseReasons: rule.pauseReasons ? new Set(rule.pauseReasons) : null,
    goodCauseReasons: rule.goodCauseReasons ? new Set(rule.goodCauseReasons) : null,
    reminders,
    escalations,
  });
}

/** A reusable result slot, so batch recomputation allocates nothing per clock. */
export interface DueSlot {
  dueMs: number;
  /** Last local day (day number). */
  dueDay: number;
  /** Index of the governing component. */
  governing: number;
}

/** One calendar's non-business days of one year: 1 = weekend or holiday, indexed from 1 January. */
interface YearFlags {
  first: number;
  flags: Uint8Array;
}

const calculators = new WeakMap<Jurisdiction, ClockCalculator>();

/**
 * The clock arithmetic of one profile: its time zone, its holiday calendars as day-number tables, and its
 * compiled rules, each built once. Profiles are frozen, so a calculator never goes stale; a changed profile
 * (a new holiday) is a new object with a new calculator.
 */
export class ClockCalculator {
  readonly zone: Zone;
  /** Changes whenever a due date computed with this profile could change (see {@link clockRulesDigest}). */
  readonly rulesDigest: string;
  readonly #rules = new Map<string, CompiledRule>();
  readonly #calendars = new Map<HolidayCalendar, Map<number, YearFlags>>();

  private constructor(readonly profile: Jurisdiction) {
    this.zone = Zone.for(profile.locale.timezone.value);
    this.rulesDigest = clockRulesDigest(profile);
  }

  /** The calculator of a profile (cached). */
  static for(profile: Jurisdiction): ClockCalculator {
    let calc = calculators.get(profile);
    if (!calc) {
      calc = new ClockCalculator(profile);
      calculators.set(profile, calc);
    }
    return calc;
  }

  /** The compiled rule named `name` in the profile. @throws ClockRuleError for a name the profile lacks */
  rule(name: string): CompiledRule {
    let compiled = this.#rules.get(name);
    if (!compiled) {
      const clocks = this.profile.clocks as Readonly<Record<string, { value: ClockRule } | undefined>>;
      const sourced = Object.hasOwn(clocks, name) ? clocks[name] : undefined;
      if (!sourced) throw new ClockRuleError(`Jurisdiction "${this.profile.id}" defines no clock rule "${name}"`);
      compiled = compileRule(name, sourced.value);
      this.#rules.set(name, compiled);
    }
    return compiled;
  }

  /** Whether a rule name exists in the profile (optional rules such as a state maximum). */
  hasRule(name: string): boolean {
    return Object.hasOwn(this.profile.clocks, name) && (this.profile.clocks as Record<string, unknown>)[name] !== undefined;
  }

  /** The year of each calendar that `isBusinessDay` used last. */
  readonly #hot: Partial<Record<HolidayCalendar, { first: number; end: number; flags: Uint8Array }>> = {};

  #yearFlags(calendar: HolidayCalendar, year: number): YearFlags {
    let byYear = this.#calendars.get(calendar);
    if (!byYear) {
      byYear = new Map();
      this.#calendars.set(calendar, byYear);
    }
    let entry = byYear.get(year);
    if (!entry) {
      const first = dayFromCivil(year, 1, 1);
      const flags = new Uint8Array(dayFromCivil(year + 1, 1, 1) - first);
      for (let i = 0; i < flags.length; i++) {
        const wd = weekdayOfDay(first + i);
        if (wd === 0 || wd === 6) flags[i] = 1;
      }
      // Years outside the profile's range (before 1776, after 9999) have weekends only.
      if (year >= 1776 && year <= 9999) {
        for (const iso of holidaysFor(this.profile, year, { calendar })) flags[isoToDay(iso) - first] = 1;
      }
      entry = { first, flags };
      byYear.set(year, entry);
    }
    return entry;
  }

  /**
   * Whether a day is a weekday that is not an observed holiday of `calendar`. The year last used per calendar
   * is kept at hand: counting business days walks day by day through the same year, so most calls are one
   * range check and one array read (no year arithmetic, no map lookups).
   */
  isBusinessDay(day: number, calendar: HolidayCalendar): boolean {
    const hot = this.#hot[calendar];
    if (hot !== undefined && day >= hot.first && day < hot.end) return hot.flags[day - hot.first] === 0;
    const entry = this.#yearFlags(calendar, yearOfDay(day));
    this.#hot[calendar] = { first: entry.first, end: entry.first + entry.flags.length, flags: entry.flags };
    return entry.flags[day - entry.first] === 0;
  }

  /** Moves `n` business days from `day` (forward for n > 0, back for n < 0). */
  addBusinessDays(day: number, n: number, calendar: HolidayCalendar): number {
    let d = day;
    const step = n >= 0 ? 1 : -1;
    for (let left = Math.abs(n); left > 0; ) {
      d += step;
      if (this.isBusinessDay(d, calendar)) left--;
    }
    return d;
  }

  /** Business days in `[from, to)`. */
  businessDaysBetween(from: number, to: number, calendar: HolidayCalendar): number {
    let count = 0;
    for (let d = from; d < to; d++) if (this.isBusinessDay(d, calendar)) count++;
    return count;
  }

  #rollDay(day: number, c: CompiledRule): number {
    if (c.roll === 0) return day;
    let d = day;
    while (!this.isBusinessDay(d, c.calendar)) d += c.roll;
    return d;
  }

  /** Counted time of an hour rule in `[from, to)`. */
  #countedBetween(from: number, to: number, c: CompiledRule): number {
    if (!c.counting) return Math.max(0, to - from);
    let total = 0;
    const last = this.zone.localDay(to);
    for (let day = this.zone.localDay(from); day <= last; day++) {
      if (!this.isBusinessDay(day, c.calendar)) continue;
      const open = Math.max(from, this.zone.instantOf(day, c.openMs));
      const close = Math.min(to, this.zone.instantOf(day, c.closeMs));
      if (close > open) total += close - open;
    }
    return total;
  }

  /** The instant after `count` ms of counted time from `start`. */
  #advanceCounted(start: number, count: number, c: CompiledRule): number {
    if (!c.counting) return start + count;
    if (count <= 0) return start;
    let left = count;
    // Twenty years of days is far beyond any rule; the bound only stops a runaway loop on bad data.
    for (let day = this.zone.localDay(start), guard = 0; guard < 7400; day++, guard++) {
      if (!this.isBusinessDay(day, c.calendar)) continue;
      const open = Math.max(start, this.zone.instantOf(day, c.openMs));
      const close = this.zone.instantOf(day, c.closeMs);
      if (close <= open) continue;
      if (close - open >= left) return open + left;
      left -= close - open;
    }
    throw new ClockRuleError(`Clock rule "${c.name}" never comes due`);
  }

  /**
   * The due time of one rule (allocation-free: writes `out.dueMs` and `out.dueDay`).
   * @param pauses flat `[from, to, from, to, …]` instants of closed or provisional pauses
   */
  computeInto(c: CompiledRule, startMs: number, startDay: number, pauses: ArrayLike<number> | null, extensionDays: number, out: DueSlot): void {
    const zone = this.zone;
    if (c.hourRule) {
      const amountMs = c.rule.amount * HOUR_MS;
      let paused = 0;
      if (pauses) for (let i = 0; i + 1 < pauses.length; i += 2) paused += this.#countedBetween(pauses[i] as number, pauses[i + 1] as number, c);
      let due = c.sign > 0 ? this.#advanceCounted(startMs, amountMs + paused, c) : startMs - amountMs + paused;
      if (extensionDays !== 0 || c.roll !== 0) {
        let day = zone.localDay(due);
        const msOfDay = zone.localMsOfDay(due);
        day = this.#rollDay(day + extensionDays, c);
        due = zone.instantOf(day, msOfDay);
      }
      out.dueMs = due;
      out.dueDay = zone.localDay(due);
      return;
    }
    let day: number;
    let pausedDays = 0;
    const businessDays = c.rule.unit === 'business-days';
    if (pauses) {
      for (let i = 0; i + 1 < pauses.length; i += 2) {
        const from = zone.localDay(pauses[i] as number);
        const to = zone.localDay(pauses[i + 1] as number);
        if (to > from) pausedDays += businessDays ? this.businessDaysBetween(from, to, c.calendar) : to - from;
      }
    }
    switch (c.rule.unit) {
      case 'days':
        day = startDay + c.sign * c.rule.amount + pausedDays;
        break;
      case 'business-days':
        day = this.addBusinessDays(this.addBusinessDays(startDay, c.sign * c.rule.amount, c.calendar), pausedDays, c.calendar);
        break;
      case 'months':
        day = addMonthsToDay(startDay, c.sign * c.rule.amount) + pausedDays;
        break;
      default:
        day = addMonthsToDay(startDay, c.sign * 12 * c.rule.amount) + pausedDays;
        break;
    }
    day += extensionDays;
    if (c.dayBefore) day -= 1;
    day = this.#rollDay(day, c);
    out.dueDay = day;
    out.dueMs = zone.instantOf(day + 1, 0);
  }

  /** Good-cause days that apply to a rule. */
  extensionDaysFor(c: CompiledRule, extensions: readonly GoodCauseExtension[] | null): number {
    if (!extensions || !c.goodCauseReasons) return 0;
    let days = 0;
    for (const e of extensions) if (c.goodCauseReasons.has(e.reasonCode)) days += e.days;
    return days;
  }

  /**
   * The due time of a composite clock: the earliest component (the stricter governs; ties go to the first
   * listed). Writes `out` (allocation-free apart from the one scratch slot per call site).
   */
  computeCompositeInto(
    rules: readonly CompiledRule[],
    startMs: number,
    startDay: number,
    pauses: ArrayLike<number> | null,
    extensions: readonly GoodCauseExtension[] | null,
    out: DueSlot,
    scratch: DueSlot,
  ): void {
    out.dueMs = Number.POSITIVE_INFINITY;
    out.governing = -1;
    for (let i = 0; i < rules.length; i++) {
      const c = rules[i] as CompiledRule;
      this.computeInto(c, startMs, startDay, pauses, this.extensionDaysFor(c, extensions), scratch);
      if (scratch.dueMs < out.dueMs) {
        out.dueMs = scratch.dueMs;
        out.dueDay = scratch.dueDay;
        out.governing = i;
      }
    }
    if (out.governing < 0) throw new ClockRuleError('A clock needs at least one rule');
  }

  /** Moves an instant by an offset in local calendar terms (hours: real time; days: same wall time). */
  shift(ms: number, offset: ClockOffset, sign: 1 | -1, calendar: HolidayCalendar): number {
    if (offset.amount === 0) return ms;
    if (offset.unit === 'hours') return ms + sign * offset.amount * HOUR_MS;
    const day = this.zone.localDay(ms);
    const msOfDay = this.zone.localMsOfDay(ms);
    const target = offset.unit === 'days' ? day + sign * offset.amount : this.addBusinessDays(day, sign * offset.amount, calendar);
    return this.zone.instantOf(target, msOfDay);
  }

  /** Reminder instants of a rule for a due time, furthest first ("when N days remain"). */
  reminderTimes(c: CompiledRule, dueMs: number): number[] {
    return c.reminders.map((o) => this.shift(dueMs, o, -1, c.calendar));
  }

  /** Escalation instants of a rule for a due time, earliest first. */
  escalationTimes(c: CompiledRule, dueMs: number): number[] {
    return c.escalations.map((e) => this.shift(dueMs, e.after, 1, c.calendar));
  }

  /** Start instant and local start day of a {@link ClockStart}. */
  startOf(start: ClockStart): { startMs: number; startDay: number; startDate: string | null } {
    if (typeof start === 'string') {
      const startDay = isoToDay(start);
      return { startMs: this.zone.instantOf(startDay, 0), startDay, startDate: start };
    }
    const startMs = start.getTime();
    if (!Number.isFinite(startMs)) throw new ClockRuleError('The clock start is not a valid date');
    return { startMs, startDay: this.zone.localDay(startMs), startDate: null };
  }

  /** A {@link Due} for a computed slot. */
  dueOf(c: CompiledRule, slot: DueSlot): Due {
    if (!c.hourRule) return { dueAt: new Date(slot.dueMs), dueDate: dayToIso(slot.dueDay), dueTime: null };
    const minutes = Math.floor(this.zone.localMsOfDay(slot.dueMs) / MINUTE_MS);
    const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    return { dueAt: new Date(slot.dueMs), dueDate: dayToIso(this.zone.localDay(slot.dueMs)), dueTime: hhmm };
  }
}

/**
 * A short digest of everything in a profile that a due date depends on: the time zone, the clock rules and
 * the holidays (plus the engine version). Stored with each clock, so a profile or holiday change is noticed
 * and the open clocks are recomputed.
 */
export function clockRulesDigest(profile: Jurisdiction): string {
  const material = JSON.stringify({
    engine: CLOCK_ENGINE_VERSION,
    zone: profile.locale.timezone.value,
    clocks: Object.entries(profile.clocks).map(([k, v]) => [k, (v as { value: unknown } | undefined)?.value ?? null]),
    holidays: profile.holidays.rules.map((r) => r.value),
    defaultCalendar: profile.holidays.defaultCalendar.value,
  });
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}

function pausesToFlat(pauses: readonly PauseInterval[] | undefined): number[] | null {
  if (!pauses || pauses.length === 0) return null;
  const flat: number[] = [];
  for (const p of pauses) {
    const from = p.from.getTime();
    const to = p.to.getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) throw new ClockRuleError('A pause must end after it starts');
    flat.push(from, to);
  }
  return flat;
}

/**
 * When one rule is due.
 * @example dueDate({ rule: mpls.clocks.biaAppeal.value, start: new Date('2026-03-02T16:00:00Z'), profile: mpls })
 *          // { dueDate: '2026-04-01', dueAt: 2026-04-02T05:00:00.000Z (local midnight, CDT), dueTime: null }
 */
export function dueDate(options: {
  rule: ClockRule;
  start: ClockStart;
  profile: Jurisdiction;
  pauses?: readonly PauseInterval[];
  /** Good-cause days (calendar days), applied whatever the rule's reasons; see {@link compositeDue} for reasons. */
  extensionDays?: number;
}): Due {
  const calc = ClockCalculator.for(options.profile);
  const c = compileRule('rule', options.rule);
  const { startMs, startDay } = calc.startOf(options.start);
  const slot: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };
  calc.computeInto(c, startMs, startDay, pausesToFlat(options.pauses), options.extensionDays ?? 0, slot);
  return calc.dueOf(c, slot);
}

/** Resolves profile rule names. @throws ClockRuleError for a name the profile does not define */
export function resolveRules(profile: Jurisdiction, names: readonly string[]): NamedRule[] {
  const calc = ClockCalculator.for(profile);
  return names.map((name) => ({ name, rule: calc.rule(name).rule }));
}

/** The names among `names` that the profile defines (e.g. a state maximum some states do not have). */
export function definedRules(profile: Jurisdiction, names: readonly ClockName[]): ClockName[] {
  const calc = ClockCalculator.for(profile);
  return names.filter((n) => calc.hasRule(n));
}

/**
 * When a clock made of several rules is due: the earliest, "the stricter governs". Extensions apply to the
 * rules that allow their reason; a rule without that reason keeps binding (a city good-cause delay never
 * passes the state maximum).
 * @example compositeDue({ rules: ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'], start, profile: mpls })
 *          // governing: 'uVisaCertificationExpedited' (7 days inside 14)
 */
export function compositeDue(options: {
  rules: ReadonlyArray<string | NamedRule>;
  start: ClockStart;
  profile: Jurisdiction;
  pauses?: readonly PauseInterval[];
  extensions?: readonly GoodCauseExtension[];
}): CompositeDue {
  const calc = ClockCalculator.for(options.profile);
  const compiled = options.rules.map((r) => (typeof r === 'string' ? calc.rule(r) : compileRule(r.name, r.rule)));
  if (compiled.length === 0) throw new ClockRuleError('A clock needs at least one rule');
  const { startMs, startDay } = calc.startOf(options.start);
  const flat = pausesToFlat(options.pauses);
  const extensions = options.extensions ?? null;
  const slot: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };
  const components = compiled.map((c) => {
    const extensionDays = calc.extensionDaysFor(c, extensions);
    calc.computeInto(c, startMs, startDay, flat, extensionDays, slot);
    return { name: c.name, extensionDays, ...calc.dueOf(c, slot) };
  });
  let best = 0;
  components.forEach((c, i) => {
    if (c.dueAt.getTime() < (components[best] as ComponentDue).dueAt.getTime()) best = i;
  });
  const governing = components[best] as ComponentDue;
  return { dueAt: governing.dueAt, dueDate: governing.dueDate, dueTime: governing.dueTime, governing: governing.name, components };
}

/**
 * The date a person born on `dateOfBirth` turns `age` (their birthday that year). A 29 February birthday
 * counts from 28 February in common years: the earlier date, so an age-out alert is never late.
 * @example ageOutDate('2005-02-28', 21) // '2026-02-28'
 */
export function ageOutDate(dateOfBirth: string, age = 21): string {
  if (!Number.isInteger(age) || age < 0 || age > 150) throw new RangeError(`Age out of range: ${age}`);
  return dayToIso(addMonthsToDay(isoToDay(dateOfBirth), age * 12));
}

/**
 * Business days in `[from, to)` on a profile's calendar (the paused business days a pause gives back).
 * @example businessDaysBetween(mpls, '2026-11-23', '2026-11-30', { calendar: 'city' }) // 3 (Thanksgiving and the day after)
 */
export function businessDaysBetween(profile: Jurisdiction, from: string, to: string, options: { calendar: HolidayCalendar }): number {
  return ClockCalculator.for(profile).businessDaysBetween(isoToDay(from), isoToDay(to), options.calendar);
}

/**
 * The date `n` business days after (or, for negative `n`, before) `date` on a profile's calendar.
 * @example addBusinessDays(mpls, '2026-12-24', 1, { calendar: 'city' }) // '2026-12-28' (Christmas Friday)
 */
export function addBusinessDays(profile: Jurisdiction, date: string, n: number, options: { calendar: HolidayCalendar }): string {
  if (!Number.isInteger(n)) throw new RangeError(`Business days must be an integer, got ${n}`);
  return dayToIso(ClockCalculator.for(profile).addBusinessDays(isoToDay(date), n, options.calendar));
}
