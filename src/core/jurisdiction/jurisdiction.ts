/**
 * Loading, validating and querying jurisdiction profiles.
 *
 * Profiles are validated the first time they are loaded and then frozen and cached: a broken profile
 * stops the app at start-up with every problem listed, instead of surfacing as a wrong deadline later.
 */
import {
  HOLIDAY_CALENDARS,
  jurisdictionProfileSchema,
  type Holiday,
  type HolidayCalendar,
  type JurisdictionProfile,
} from './profile.schema.ts';
import { minneapolisProfile } from './profiles/minneapolis.ts';
import { testvilleProfile } from './profiles/testville.ts';
import { joinPath } from './sourced.ts';

/** A validated, frozen jurisdiction profile. */
export type Jurisdiction = JurisdictionProfile;

/** One validation problem: where (`locale.defaultLanguage.value`) and what. */
export interface JurisdictionIssue {
  path: string;
  message: string;
}

/** Thrown when a profile is unknown or does not validate; `issues` lists every problem. */
export class JurisdictionError extends Error {
  readonly issues: readonly JurisdictionIssue[];

  constructor(message: string, issues: readonly JurisdictionIssue[] = []) {
    super(message);
    this.name = 'JurisdictionError';
    this.issues = issues;
  }
}

/** Short description of a known profile, for CLIs and admin screens. */
export interface JurisdictionSummary {
  id: string;
  version: string;
  displayName: string;
  isTestProfile: boolean;
}

// The registry maps an id to raw profile data. Adding a city = adding a file under profiles/ and a line here.
const REGISTRY: Readonly<Record<string, unknown>> = Object.freeze({
  minneapolis: minneapolisProfile,
  testville: testvilleProfile,
});

const loaded = new Map<string, Jurisdiction>();

function formatPath(path: readonly PropertyKey[]): string {
  const out = path.reduce<string>((acc, key) => joinPath(acc, key), '');
  return out === '' ? '(root)' : out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Checks raw profile data and returns every problem found (an empty list means valid).
 * @param data a profile object, e.g. parsed JSON or a module export
 */
export function validateJurisdiction(data: unknown): JurisdictionIssue[] {
  const result = jurisdictionProfileSchema.safeParse(data);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

function isCrossFieldIssue(issue: { code: string; params?: unknown }): boolean {
  return issue.code === 'custom' && (issue.params as { crossField?: unknown } | undefined)?.crossField === true;
}

/**
 * Validates raw profile data and returns the frozen profile.
 * @param data the profile object to check
 * @param label names the profile in the error message (its id or file name)
 * @throws JurisdictionError listing every problem with its path
 */
export function parseJurisdiction(data: unknown, label = 'profile'): Jurisdiction {
  const result = jurisdictionProfileSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n');
    // Say so when the cross-field rules have not run yet, so nobody thinks this list is final.
    const hint = result.error.issues.some(isCrossFieldIssue)
      ? ''
      : '\n(Cross-field checks such as the default language, age bands and holiday references run once these are fixed.)';
    throw new JurisdictionError(`Invalid jurisdiction profile "${label}" (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines}${hint}`, issues);
  }
  return deepFreeze(result.data);
}

/** The ids of every registered profile, sorted. */
export function knownJurisdictionIds(): string[] {
  return Object.keys(REGISTRY).sort();
}

/**
 * Loads a profile by id, validating it on first use. The result is frozen and shared.
 * @example const mpls = loadJurisdiction('minneapolis'); valueOf(mpls.locale.timezone) // 'America/Chicago'
 * @throws JurisdictionError for an unknown id (listing the known ids) or invalid data (listing every problem)
 */
export function loadJurisdiction(id: string): Jurisdiction {
  const cached = loaded.get(id);
  if (cached) return cached;
  if (!Object.hasOwn(REGISTRY, id)) {
    throw new JurisdictionError(`Unknown jurisdiction "${id}". Known jurisdictions: ${knownJurisdictionIds().join(', ')}.`);
  }
  const profile = parseJurisdiction(REGISTRY[id], id);
  if (profile.id !== id) {
    throw new JurisdictionError(`Jurisdiction registered as "${id}" declares id "${profile.id}".`, [{ path: 'id', message: `expected "${id}"` }]);
  }
  loaded.set(id, profile);
  return profile;
}

/** Every registered profile (validated), sorted by id. Test profiles are included and marked. */
export function listJurisdictions(): JurisdictionSummary[] {
  return knownJurisdictionIds().map((id) => {
    const p = loadJurisdiction(id);
    return { id: p.id, version: p.version, displayName: p.place.displayName.value, isTestProfile: p.isTestProfile };
  });
}

/**
 * The codes of the languages the jurisdiction offers, default language first, for `?lang=` checks and the
 * language selector.
 * @example offeredLanguageCodes(loadJurisdiction('minneapolis')) // ['en', 'es', 'so', 'hmn']
 */
export function offeredLanguageCodes(profile: Jurisdiction): string[] {
  const codes = profile.locale.languages.value.map((l) => l.code);
  const first = profile.locale.defaultLanguage.value;
  return [first, ...codes.filter((c) => c !== first)];
}

// ---------------------------------------------------------------------------------------------------------
// Civil dates. All arithmetic is on UTC midnights so the server's own time zone never shifts a date.

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function utc(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day);
}

function toIso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function parseIsoDate(isoDate: string): number {
  const m = ISO_DATE.exec(isoDate);
  const ms = m ? utc(Number(m[1]), Number(m[2]), Number(m[3])) : Number.NaN;
  // The round trip rejects dates such as 2026-02-30 that Date.UTC would silently roll over.
  if (Number.isNaN(ms) || toIso(ms) !== isoDate) throw new RangeError(`Not an ISO calendar date (YYYY-MM-DD): "${isoDate}"`);
  return ms;
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 1776 || year > 9999) throw new RangeError(`Year out of range: ${year}`);
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 0)).getUTCDate();
}

function nthWeekday(year: number, month: number, weekday: number, nth: number): number | null {
  if (nth === -1) {
    const last = daysInMonth(year, month);
    const lastWeekday = new Date(utc(year, month, last)).getUTCDay();
    return utc(year, month, last - ((lastWeekday - weekday + 7) % 7));
  }
  const firstWeekday = new Date(utc(year, month, 1)).getUTCDay();
  const day = 1 + ((weekday - firstWeekday + 7) % 7) + (nth - 1) * 7;
  return day > daysInMonth(year, month) ? null : utc(year, month, day);
}

function actualDate(h: Holiday, year: number, all: readonly Holiday[]): number | null {
  const rule = h.rule;
  switch (rule.kind) {
    case 'fixed':
      return utc(year, rule.month, rule.day);
    case 'nth-weekday':
      return nthWeekday(year, rule.month, rule.weekday, rule.nth);
    case 'after-holiday': {
      const target = all.find((o) => o.id === rule.holiday);
      const base = target ? actualDate(target, year, all) : null;
      return base === null ? null : base + rule.offsetDays * DAY_MS;
    }
  }
}

function observedDate(h: Holiday, actual: number): number {
  const weekday = new Date(actual).getUTCDay();
  if (h.observance === 'none') return actual;
  if (weekday === 0) return actual + DAY_MS; // Sunday → Monday
  if (weekday === 6 && h.observance === 'weekend-to-nearest-weekday') return actual - DAY_MS; // Saturday → Friday
  return actual;
}

/** Which holidays to use: one calendar, or every calendar in the profile. */
export interface HolidayOptions {
  /** Defaults to the profile's `holidays.defaultCalendar` (the city's own closures for Minneapolis). */
  calendar?: HolidayCalendar | 'all';
}

/** A concrete holiday in a given year. */
export interface HolidayDate {
  /** The day offices are closed (ISO date). */
  date: string;
  /** The holiday's nominal date; differs from `date` when a weekend date is observed on a weekday. */
  actualDate: string;
  id: string;
  name: string;
  calendars: HolidayCalendar[];
}

function resolveCalendar(profile: Jurisdiction, options?: HolidayOptions): HolidayCalendar | 'all' {
  const calendar = options?.calendar ?? profile.holidays.defaultCalendar.value;
  if (calendar !== 'all' && !HOLIDAY_CALENDARS.includes(calendar)) throw new RangeError(`Unknown holiday calendar "${String(calendar)}"`);
  return calendar;
}

/**
 * The holidays observed in `year`, with the rule each comes from, sorted by date.
 *
 * A holiday is listed in the year its observed date falls in: New Year's Day 2028 (a Saturday) is
 * observed on Friday 2027-12-31 and so appears in 2027's list.
 */
export function holidayDates(profile: Jurisdiction, year: number, options?: HolidayOptions): HolidayDate[] {
  assertYear(year);
  const calendar = resolveCalendar(profile, options);
  const all = profile.holidays.rules.map((r) => r.value);
  const selected = all.filter((h) => calendar === 'all' || h.calendars.includes(calendar));
  const out: HolidayDate[] = [];
  // Look one year either side: observance can move a date across New Year.
  for (const y of [year - 1, year, year + 1]) {
    for (const h of selected) {
      if ((h.sinceYear !== undefined && y < h.sinceYear) || (h.untilYear !== undefined && y > h.untilYear)) continue;
      const actual = actualDate(h, y, all);
      if (actual === null) continue;
      const observed = observedDate(h, actual);
      if (new Date(observed).getUTCFullYear() !== year) continue;
      out.push({ date: toIso(observed), actualDate: toIso(actual), id: h.id, name: h.name, calendars: [...h.calendars] });
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
}

// isHoliday sits in tight loops (clock engines step day by day), so each profile/calendar/year set is
// computed once. Profiles are frozen, so the cache can never go stale.
const holidayCache = new WeakMap<Jurisdiction, Map<string, ReadonlySet<string>>>();

function holidaySet(profile: Jurisdiction, year: number, options?: HolidayOptions): ReadonlySet<string> {
  const calendar = resolveCalendar(profile, options);
  let perProfile = holidayCache.get(profile);
  if (!perProfile) {
    perProfile = new Map();
    holidayCache.set(profile, perProfile);
  }
  const key = `${calendar}:${year}`;
  let set = perProfile.get(key);
  if (!set) {
    set = new Set(holidayDates(profile, year, { calendar }).map((h) => h.date));
    perProfile.set(key, set);
  }
  return set;
}

/**
 * The dates (ISO `YYYY-MM-DD`, sorted, no duplicates) on which holidays are observed in `year`:
 * Saturday holidays move to Friday and Sunday holidays to Monday where the rule says so.
 * @example holidaysFor(loadJurisdiction('minneapolis'), 2026) // [..., '2026-07-03', ..., '2026-11-26', ...]
 */
export function holidaysFor(profile: Jurisdiction, year: number, options?: HolidayOptions): string[] {
  assertYear(year);
  return [...holidaySet(profile, year, options)].sort();
}

/**
 * Whether `isoDate` is an observed holiday. A Saturday holiday observed on Friday makes the Friday a
 * holiday; the Saturday itself is a weekend day, see {@link isBusinessDay}.
 * @throws RangeError when `isoDate` is not a valid `YYYY-MM-DD` date
 */
export function isHoliday(profile: Jurisdiction, isoDate: string, options?: HolidayOptions): boolean {
  const ms = parseIsoDate(isoDate);
  return holidaySet(profile, new Date(ms).getUTCFullYear(), options).has(isoDate);
}

/**
 * Whether `isoDate` is a weekday that is not an observed holiday.
 * @throws RangeError when `isoDate` is not a valid `YYYY-MM-DD` date
 */
export function isBusinessDay(profile: Jurisdiction, isoDate: string, options?: HolidayOptions): boolean {
  const weekday = new Date(parseIsoDate(isoDate)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isHoliday(profile, isoDate, options);
}

// One formatter per time zone: making an Intl.DateTimeFormat costs far more than using one.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar date at `instant` in the jurisdiction's time zone, so "today" means the city's today even
 * on a server running in UTC.
 */

export function localDate(profile: Jurisdiction, instant: Date = new Date()): string {
  const zone = profile.locale.timezone.value;
  let format = dayFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(zone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A fiscal year: its name (the calendar year it ends in) and its first and last days, as `YYYY-MM-DD`. */
export interface FiscalYear {
  year: number;
  startsOn: string;
  endsOn: string;
}

/** The place's fiscal year named `year` (the calendar year it ends in; profile `budget.fiscalYearStartMonth`). */
export function fiscalYear(profile: Jurisdiction, year: number): FiscalYear {
  if (!Number.isInteger(year) || year < 1000 || year > 9998) throw new RangeError(`Not a fiscal year: ${year}`);
  const startMonth = profile.budget.fiscalYearStartMonth.value;
  const startYear = startMonth === 1 ? year : year - 1;
  const pad = (n: number) => String(n).padStart(2, '0');
  // The day before the next fiscal year starts; Date.UTC rolls month 13 and day 0 over.
  const last = new Date(Date.UTC(startYear + 1, startMonth - 1, 0));
  return {
    year,
    startsOn: `${startYear}-${pad(startMonth)}-01`,
    endsOn: `${last.getUTCFullYear()}-${pad(last.getUTCMonth() + 1)}-${pad(last.getUTCDate())}`,
  };
}

/** The fiscal year a calendar day (`YYYY-MM-DD`) falls in. */
export function fiscalYearOf(profile: Jurisdiction, isoDate: string): FiscalYear {
  if (!/^\d{4}-(0[1-9]|1[0-2])-\d{2}$/.test(isoDate)) throw new RangeError(`Not a YYYY-MM-DD date: ${isoDate}`);
  const startMonth = profile.budget.fiscalYearStartMonth.value;
  const year = Number(isoDate.slice(0, 4));
  const month = Number(isoDate.slice(5, 7));
  return fiscalYear(profile, startMonth === 1 || month < startMonth ? year : year + 1);
}

// ---------------------------------------------------------------------------------------------------------
// Poverty guidelines

/** Options for {@link povertyGuideline}. */
export interface PovertyGuidelineOptions {
  /** Guideline year; defaults to the profile's `povertyGuidelines.defaultYear`. */
  year?: number;
  /** A multiple of the guideline, e.g. 150 for a fee-waiver ceiling. Defaults to 100. */
  percent?: number;
}

/**
 * The annual HHS poverty guideline in dollars for a household, optionally as a percentage (150% → the
 * fee-waiver ceiling). Sizes beyond the published table add the per-person increment.
 * @example povertyGuideline(mpls, 4) // 32150 (2025 table)
 * @throws RangeError for a household size that is not a positive integer, or a year with no table
 */
export function povertyGuideline(profile: Jurisdiction, householdSize: number, options: PovertyGuidelineOptions = {}): number {
  if (!Number.isInteger(householdSize) || householdSize < 1) throw new RangeError(`Household size must be a positive integer, got ${householdSize}`);
  const percent = options.percent ?? 100;
  if (!Number.isFinite(percent) || percent <= 0) throw new RangeError(`Percent must be positive, got ${percent}`);
  const year = options.year ?? profile.povertyGuidelines.defaultYear.value;
  const table = profile.povertyGuidelines.years.find((y) => y.year === year);
  if (!table) {
    const have = profile.povertyGuidelines.years.map((y) => y.year).join(', ');
    throw new RangeError(`No ${year} poverty guidelines in jurisdiction "${profile.id}" (has ${have})`);
  }
  const listed = table.bySize[householdSize - 1];
  const last = table.bySize[table.bySize.length - 1];
  const base = listed ? listed.value : (last?.value ?? 0) + table.additionalPerson.value * (householdSize - table.bySize.length);
  // Integer arithmetic first, one division last: 150% of 15,650 is exactly 23,475.
  return (base * percent) / 100;
}
