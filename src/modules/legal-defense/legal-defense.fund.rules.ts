/**
 * The fund's rules that need no database: money in integer cents (never floating point), the amounts of
 * invoice lines, what a time entry may be, and the budget burn — the spending rate over a window and the day
 * the money runs out at that rate. Pure functions, so each rule is tested alone with its edge cases.
 */

/** Kinds of funding source: a line of the city's budget for a fiscal year, or a grant from a funder. */
export const SOURCE_KINDS = ['appropriation', 'grant'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** How a contract pays its provider: a fixed amount per case accepted, or per hour of attorney time. */
export const CONTRACT_BASES = ['per-case', 'hourly'] as const;
export type ContractBasis = (typeof CONTRACT_BASES)[number];

/**
 * What attorney time was spent on: codes, never free text, so no fact of the case is ever typed into the
 * fund's records.
 */
export const ACTIVITIES = ['court', 'client-meeting', 'research', 'brief', 'travel'] as const;
export type Activity = (typeof ACTIVITIES)[number];

/** An invoice's life: a draft the provider prepares, submitted to the program, approved or rejected, then paid. */
export const INVOICE_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'paid'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** Why program staff send an invoice back (codes: the provider corrects and invoices again). */
export const REJECT_REASONS = ['outside-contract', 'not-documented', 'wrong-rate', 'duplicate', 'over-ceiling', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * Why a source or a contract was amended: money added (a supplemental appropriation, a grant increase), money
 * taken back, the period extended, or an entry corrected.
 */
export const AMENDMENT_REASONS = ['supplemental', 'reduction', 'extension', 'correction'] as const;
export type AmendmentReason = (typeof AMENDMENT_REASONS)[number];

/**
 * Whether the reason given fits the change, so the history says what happened: money added needs a higher
 * amount (or cap), money taken back a lower one, an extension a later last day; a correction may change anything.
 */
export function amendmentReasonFits(reason: AmendmentReason, change: { before: number; after: number; endsBefore: string; endsAfter: string }): boolean {
  switch (reason) {
    case 'supplemental':
      return change.after > change.before;
    case 'reduction':
      return change.after < change.before;
    case 'extension':
      return change.endsAfter > change.endsBefore;
    case 'correction':
      return true;
  }
}

/** One time entry is at most 12 hours; one case gets at most 24 hours of entries on one day. */
export const MAX_ENTRY_MINUTES = 12 * 60;
export const MAX_CASE_DAY_MINUTES = 24 * 60;
/**
 * Time may still be entered for this many days after a case closes (late bills for the last hearing), and only
 * for work done on or before the day it closed. Our choice, to agree with providers in their contracts.
 */
export const LATE_ENTRY_DAYS = 60;
/** The default window of the burn rate, and the bounds a reader may choose. */
export const DEFAULT_BURN_WINDOW_DAYS = 90;
export const MIN_BURN_WINDOW_DAYS = 7;
export const MAX_BURN_WINDOW_DAYS = 365;
/** A projection further than this many days (a century) is reported as "beyond", not as a date. */
export const MAX_PROJECTION_DAYS = 36_500;
/** The largest amount the fund records: one billion dollars, in cents (far inside exact integers). */
export const MAX_AMOUNT_CENTS = 100_000_000_000;

const DAY_MS = 86_400_000;

/** Days from one ISO date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** An ISO date plus a number of days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Dollars as typed in a form ("1500000", "1,500,000.50", "$ 95") to cents, with integer arithmetic only.
 * `null` when it is not an amount of at most two decimals (or is above {@link MAX_AMOUNT_CENTS}).
 */
export function parseDollars(text: string): number | null {
  const s = text.trim().replace(/^\$\s*/, '');
  const [body = '', fraction = '', ...rest] = s.split('.');
  if (rest.length > 0 || (s.includes('.') && !/^\d{1,2}$/.test(fraction))) return null;
  // Thousands separators only in their places: "1,500,000", never "1,50" or "12,3456".
  const groups = body.split(',');
  if (!/^\d{1,12}$/.test(groups[0] ?? '') || (groups.length > 1 && ((groups[0] ?? '').length > 3 || groups.slice(1).some((g) => !/^\d{3}$/.test(g))))) return null;
  const whole = groups.join('');
  if (whole.length > 12) return null;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return Number.isSafeInteger(cents) && cents <= MAX_AMOUNT_CENTS ? cents : null;
}

/** Cents as a plain decimal ("1234.05", "-0.50") for CSV files and form values; exact, no floating point. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * A duration as typed ("1.5" hours, "0.25", "1:30", "45m") to whole minutes; hundredths of an hour are
 * rounded to the nearest minute. `null` when it is not a duration.
 */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase().replace(',', '.').replace(/\s+/g, '');
  let m = /^(\d{1,2}):([0-5]\d)$/.exec(s);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = /^(\d{1,4})m(in)?$/.exec(s);
  if (m) return Number(m[1]);
  const [hours = '', fraction = '', ...rest] = (s.endsWith('h') ? s.slice(0, -1) : s).split('.');
  if (rest.length > 0 || !/^\d{1,2}$/.test(hours) || (s.includes('.') && !/^\d{1,2}$/.test(fraction))) return null;
  const hundredths = Number(hours) * 100 + Number(fraction.padEnd(2, '0'));
  return Math.floor((hundredths * 60 + 50) / 100);
}

/** Minutes as tenths of an hour, rounded half up (90 → 15, for "1.5 h"), from integers. */
export function minutesToTenths(minutes: number): number {
  return Math.floor((minutes * 10 + 30) / 60);
}

/**
 * The amount of an hourly line: minutes × hourly rate ÷ 60, rounded half up to the cent. Each line is rounded
 * on its own and the invoice total is the sum of its lines, so the lines always add up to the total.
 */
export function hourlyAmount(minutes: number, rateCents: number): number {
  if (!Number.isSafeInteger(minutes) || minutes < 0 || !Number.isSafeInteger(rateCents) || rateCents < 0) throw new RangeError('hourlyAmount: whole, non-negative minutes and cents');
  return Math.floor((minutes * rateCents + 30) / 60);
}

/** A contract's ceiling: rate × cap (cases for a per-case contract, whole hours for an hourly one). */
export function contractCeiling(rateCents: number, cap: number): number {
  const ceiling = rateCents * cap;
  if (!Number.isSafeInteger(ceiling) || ceiling < 0) throw new RangeError('contractCeiling: the ceiling is not a whole number of cents');
  return ceiling;
}

/** Why a time entry is refused (a code; the service turns it into a translated field error). */
export type TimeEntryProblem = 'future' | 'before-acceptance' | 'after-close' | 'closed-too-long' | 'minutes' | 'day-full';

/**
 * Whether a time entry may be recorded: not in the future, not before the provider accepted the case, for a
 * closed case only for work up to the closing day and within {@link LATE_ENTRY_DAYS} after it, at most
 * {@link MAX_ENTRY_MINUTES} per entry and {@link MAX_CASE_DAY_MINUTES} per case and day. `null` when it may.
 */
export function timeEntryProblem(input: {
  workedOn: string;
  minutes: number;
  today: string;
  acceptedOn: string;
  closedOn: string | null;
  minutesThatDay: number;
}): TimeEntryProblem | null {
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > MAX_ENTRY_MINUTES) return 'minutes';
  if (input.workedOn > input.today) return 'future';
  if (input.workedOn < input.acceptedOn) return 'before-acceptance';
  if (input.closedOn !== null) {
    if (input.workedOn > input.closedOn) return 'after-close';
    if (daysBetween(input.closedOn, input.today) > LATE_ENTRY_DAYS) return 'closed-too-long';
  }
  if (input.minutesThatDay + input.minutes > MAX_CASE_DAY_MINUTES) return 'day-full';
  return null;
}

/**
 * The window the burn rate is measured over: the chosen number of days, but never reaching back before the
 * source started (a source 30 days old has spent over 30 days, not 90). At least one day.
 */
export function burnWindowDays(options: { windowDays: number; startsOn: string; today: string }): number {
  const age = daysBetween(options.startsOn, options.today) + 1;
  return Math.max(1, Math.min(options.windowDays, age));
}

/** The burn of one source or contract: the rate and when the money runs out at that rate. */
export interface Projection {
  /** Spending per day over the window, rounded to the cent (for display). */
  perDayCents: number;
  /**
   * `projected`: a date; `no-spending`: nothing spent in the window, so no date; `exhausted`: nothing left;
   * `distant`: more than {@link MAX_PROJECTION_DAYS} away at this rate (no date is worth printing).
   */
  state: 'projected' | 'no-spending' | 'exhausted' | 'distant';
  /** The first day with no money left at this rate (only when `projected`). */
  runOutOn: string | null;
}

/**
 * When the money runs out if spending goes on at the rate of the last `windowDays` days: the remainder divided
 * by the daily rate, rounded up to whole days, counted from today. Exact integer arithmetic (BigInt), so large
 * budgets do not lose cents. Nothing spent → no date; nothing left → exhausted.
 */
export function projectRunOut(input: { remainingCents: number; spentCents: number; windowDays: number; today: string }): Projection {
  if (!Number.isInteger(input.windowDays) || input.windowDays < 1) throw new RangeError('projectRunOut: windowDays must be a whole number of days ≥ 1');
  if (!Number.isSafeInteger(input.remainingCents) || !Number.isSafeInteger(input.spentCents)) throw new RangeError('projectRunOut: cents must be safe integers');
  const perDayCents = input.spentCents > 0 ? Math.floor((input.spentCents * 2 + input.windowDays) / (2 * input.windowDays)) : 0;
  if (input.remainingCents <= 0) return { perDayCents, state: 'exhausted', runOutOn: null };
  if (input.spentCents <= 0) return { perDayCents: 0, state: 'no-spending', runOutOn: null };
  const remaining = BigInt(input.remainingCents);
  const spent = BigInt(input.spentCents);
  const window = BigInt(input.windowDays);
  // ceil(remaining / (spent / window)) = ceil(remaining × window / spent)
  const days = (remaining * window + spent - 1n) / spent;
  if (days > BigInt(MAX_PROJECTION_DAYS)) return { perDayCents, state: 'distant', runOutOn: null };
  return { perDayCents, state: 'projected', runOutOn: addDays(input.today, Number(days)) };
}

/** One point of a source's balance over time. */
export interface BalancePoint {
  /** The last day the point covers (a month's end, or today for the running month). */
  on: string;
  /** Approved in that month. */
  approvedCents: number;
  /** Left after it. */
  remainingCents: number;
}

/**
 * The source's balance month by month, from the month it starts to the month of `until`: what was approved in
 * each month (by approval day) and what was left after it. Approvals before the start count in the first month.
 * `amountChanges` are amendments of the amount (by day, + added, − taken back): each month counts the amount in
 * force at its end, so money added in June does not show as left in March. `amountCents` is the amount now.
 */
export function monthlyBalance(options: {
  amountCents: number;
  startsOn: string;
  until: string;
  approvals: ReadonlyArray<{ on: string; cents: number }>;
  amountChanges?: ReadonlyArray<{ on: string; cents: number }>;
}): BalancePoint[] {
  const out: BalancePoint[] = [];
  if (options.until < options.startsOn) return out;
  const byDay = (a: { on: string }, b: { on: string }) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0);
  const sorted = [...options.approvals].sort(byDay);
  const changes = [...(options.amountChanges ?? [])].sort(byDay);
  // The amount before any amendment; the changes up to each month's end are added back in order.
  let remaining = options.amountCents - changes.reduce((sum, c) => sum + c.cents, 0);
  let i = 0;
  let j = 0;
  let month = options.startsOn.slice(0, 7);
  const last = options.until.slice(0, 7);
  for (;;) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
    const end = month === last ? options.until : addDays(`${next}-01`, -1);
    let approved = 0;
    while (i < sorted.length && (sorted[i] as { on: string }).on <= end) {
      approved += (sorted[i] as { cents: number }).cents;
      i++;
    }
    while (j < changes.length && (changes[j] as { on: string }).on <= end) {
      remaining += (changes[j] as { cents: number }).cents;
      j++;
    }
    remaining -= approved;
    out.push({ on: end, approvedCents: approved, remainingCents: remaining });
    if (month === last) break;
    month = next;
  }
  return out;
}
