/**
 * Vocabularies and input schemas of the appointments module. Zod messages are message keys (translated by
 * the error summary); every form has a strict schema, so a field a page does not have is refused.
 */
import { z } from 'zod';
import { isRandomId, normalizeReferenceCode } from '../../core/crypto/random.ts';
import { LOCALES } from '../../core/i18n/locales.ts';
import { isIsoDate, parseClock } from './zoned-time.ts';
import { wholeNumber } from '../../core/http/validate.ts';

export const BOOKING_STATUSES = ['booked', 'arrived', 'served', 'no-show', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** How the person wants reminders. */
export const CONTACT_CHANNELS = ['none', 'email', 'sms'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** Why a site is closed on a day (shown translated; staff pick one, no free text). */
export const CLOSURE_REASONS = ['holiday', 'training', 'weather', 'maintenance', 'other'] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

export const WALKIN_STATUSES = ['waiting', 'called', 'served', 'no-show'] as const;
export type WalkInStatus = (typeof WALKIN_STATUSES)[number];

/** Staff status changes of a booking. */
export const STAFF_BOOKING_ACTIONS = ['arrived', 'served', 'no-show', 'booked', 'cancelled'] as const;
export type StaffBookingAction = (typeof STAFF_BOOKING_ACTIONS)[number];

export const LIMITS = { email: 254, phone: 30, siteName: 120, address: 300, accessibility: 600, languages: 20 } as const;

/** A contact for reminders, as stored (sealed) with a booking or a waiting-list entry. */
export interface Contact {
  channel: 'email' | 'sms';
  /** An email address, or an E.164 number. */
  value: string;
}

const emailSchema = z.email();

/**
 * A phone number for text messages as E.164. Numbers in the North American numbering plan may be typed
 * without the country code (`612 555 0142`); others need `+` and their country code.
 */
export function normalizePhone(input: string): string | null {
  const trimmed = input.trim();
  const digits = trimmed.replace(/[\s().-]/g, '');
  if (/^\+[1-9]\d{7,14}$/.test(digits)) return digits;
  if (/^[2-9]\d{2}[2-9]\d{6}$/.test(digits)) return `+1${digits}`;
  if (/^1[2-9]\d{2}[2-9]\d{6}$/.test(digits)) return `+${digits}`;
  return null;
}

/** A language code (BCP 47 primary tag and optional subtags) that the runtime can name. */
export function isLanguageCode(code: string): boolean {
  const [primary = '', ...subtags] = code.split('-');
  if (!/^[a-z]{2,3}$/.test(primary) || subtags.length > 3 || !subtags.every((t) => /^[A-Za-z0-9]{2,8}$/.test(t))) return false;
  try {
    return new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }).of(code) !== undefined;
  } catch {
    return false;
  }
}

const optionalText = (max: number) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), z.string().max(max).optional());

/**
 * The contact part of the booking and waiting-list forms: a channel, then the value that channel needs.
 * `required` only changes the message (the waiting-list form refuses `none` in its own check, so that the
 * other fields' errors are reported at the same time).
 */
function contactFields(required: boolean) {
  return {
    contactChannel: z.enum(CONTACT_CHANNELS, required ? 'appointments.error.contactChannelRequired' : 'appointments.error.contactChannel').optional(),
    email: optionalText(LIMITS.email),
    phone: optionalText(LIMITS.phone),
  };
}

/** Turns the contact fields into a {@link Contact}, adding field errors to `issue`. */
function refineContact(
  a: { contactChannel?: ContactChannel; email?: string; phone?: string },
  issue: z.RefinementCtx,
  missingKey = 'appointments.error.contactChannel',
): Contact | undefined {
  if (a.contactChannel === undefined) {
    issue.addIssue({ code: 'custom', path: ['contactChannel'], message: missingKey });
    return undefined;
  }
  if (a.contactChannel === 'email') {
    if (!a.email || !emailSchema.safeParse(a.email).success) {
      issue.addIssue({ code: 'custom', path: ['email'], message: 'appointments.error.email' });
      return undefined;
    }
    return { channel: 'email', value: a.email };
  }
  if (a.contactChannel === 'sms') {
    const phone = a.phone ? normalizePhone(a.phone) : null;
    if (!phone) {
      issue.addIssue({ code: 'custom', path: ['phone'], message: 'appointments.error.phone' });
      return undefined;
    }
    return { channel: 'sms', value: phone };
  }
  return undefined;
}

/** An instant as `toISOString()` writes it (the slot starts the pages offer). */
const isoInstant = z
  .string('appointments.error.start')
  .max(24, 'appointments.error.start')
  .refine((v) => !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v, 'appointments.error.start');

/** Body of the public "book this time" form. Every field is checked in the transform, so all problems show at once. */
export const bookingFormSchema = z
  .strictObject({
    _csrf: z.string(),
    start: z.string('appointments.error.start').max(40, 'appointments.error.start').optional(),
    language: z.string('appointments.error.language').max(35, 'appointments.error.language').optional(),
    ...contactFields(false),
  })
  .transform((a, issue) => {
    if (!a.start || !isoInstant.safeParse(a.start).success) issue.addIssue({ code: 'custom', path: ['start'], message: 'appointments.error.start' });
    if (!a.language || a.language.length < 2) issue.addIssue({ code: 'custom', path: ['language'], message: 'appointments.error.language' });
    const contact = refineContact(a, issue);
    return { start: a.start ?? '', language: a.language ?? '', contact };
  });
export type BookingForm = z.output<typeof bookingFormSchema>;

/** Body of the public "join the waiting list" form. Every field is checked in the transform, so all problems show at once. */
export const waitlistFormSchema = z
  .strictObject({
    _csrf: z.string(),
    fromDate: z.string('appointments.error.fromDate').max(10, 'appointments.error.fromDate').optional(),
    toDate: z.string('appointments.error.toDate').max(10, 'appointments.error.toDate').optional(),
    language: z.string('appointments.error.language').max(35, 'appointments.error.language').optional(),
    ...contactFields(true),
  })
  .transform((a, issue) => {
    const from = a.fromDate && isIsoDate(a.fromDate) ? a.fromDate : undefined;
    const to = a.toDate && isIsoDate(a.toDate) ? a.toDate : undefined;
    if (!from) issue.addIssue({ code: 'custom', path: ['fromDate'], message: 'appointments.error.fromDate' });
    if (!to) issue.addIssue({ code: 'custom', path: ['toDate'], message: 'appointments.error.toDate' });
    else if (from && to < from) issue.addIssue({ code: 'custom', path: ['toDate'], message: 'appointments.error.dateOrder' });
    if (!a.language || a.language.length < 2) issue.addIssue({ code: 'custom', path: ['language'], message: 'appointments.error.language' });
    // A freed seat can only be offered to someone we can reach.
    if (a.contactChannel === 'none') issue.addIssue({ code: 'custom', path: ['contactChannel'], message: 'appointments.error.contactChannelRequired' });
    const contact = refineContact(a, issue, 'appointments.error.contactChannelRequired');
    return { fromDate: from ?? '', toDate: to ?? '', language: a.language ?? '', contact: contact as Contact };
  });
export type WaitlistForm = z.output<typeof waitlistFormSchema>;

/** The code-entry form of `/appointments/manage`. */
export const manageCodeSchema = z.strictObject({
  _csrf: z.string(),
  code: z
    .string()
    .max(40, 'appointments.error.code')
    .transform((v, issue) => {
      const canonical = normalizeReferenceCode(v);
      if (!canonical) {
        issue.addIssue({ code: 'custom', message: v.trim() === '' ? 'appointments.error.codeRequired' : 'appointments.error.code' });
        return z.NEVER;
      }
      return canonical;
    }),
});

/** Body of "reschedule to this time". */
export const rescheduleFormSchema = z.strictObject({ _csrf: z.string(), start: isoInstant });

/** Body of forms that only confirm (cancel, leave the list, sign out of the booking). */
export const confirmSchema = z.strictObject({ _csrf: z.string() });

/** Body of the claim page: take the offered time, or let it go to the next person. */
export const claimSchema = z.strictObject({ _csrf: z.string(), decision: z.enum(['accept', 'decline'], 'appointments.error.decision') });

/** A path parameter that is one of our ids; anything else is simply not found. */
export const idParam = z.string().refine(isRandomId);
/** A `YYYY-MM-DD` path parameter. */
export const dateParam = z.string().refine(isIsoDate);
/** A service id path parameter. */
export const serviceParam = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);

/** Query of the public pages: only the site-wide language switch. */
export const publicQuerySchema = z.strictObject({ lang: z.string().max(10).optional() });

// ---------------------------------------------------------------------------------------------------------
// Staff

/** Query of the staff day view. */
export const dayQuerySchema = z.strictObject({
  site: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isRandomId, 'appointments.error.site').optional()),
  date: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isIsoDate, 'appointments.error.date').optional()),
  updated: z.literal('1').optional(),
  lang: z.string().max(10).optional(),
});

/** Body of a staff status change of a booking. */
export const bookingActionSchema = z.strictObject({
  _csrf: z.string(),
  action: z.enum(STAFF_BOOKING_ACTIONS, 'appointments.error.action'),
});

/** Body of "find a booking by reference" for staff. */
export const staffFindSchema = manageCodeSchema;

/** Body of "add a walk-in". */
export const walkInAddSchema = z.strictObject({
  _csrf: z.string(),
  site: z.string().refine(isRandomId, 'appointments.error.site'),
  language: z.string().min(2, 'appointments.error.language').max(35, 'appointments.error.language'),
});

/** Body of "call the next walk-in". */
export const walkInCallSchema = z.strictObject({
  _csrf: z.string(),
  site: z.string().refine(isRandomId, 'appointments.error.site'),
  language: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(2).max(35).optional()),
});

/** Body of a walk-in status change. */
export const walkInStatusSchema = z.strictObject({
  _csrf: z.string(),
  status: z.enum(['served', 'no-show', 'waiting'], 'appointments.error.action'),
  /** The site whose queue to return to. */
  site: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isRandomId, 'appointments.error.site').optional()),
});

/** Query of the walk-in page. */
export const walkInQuerySchema = z.strictObject({
  site: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isRandomId, 'appointments.error.site').optional()),
  called: z.string().max(10).optional(),
  lang: z.string().max(10).optional(),
});

const languageList = z.preprocess((v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(z.string().max(35)).max(LIMITS.languages));

/** Body of the site details form (create or change). */
export const siteFormSchema = z
  .strictObject({
    _csrf: z.string(),
    // Checked in the transform below, so that every field's problem is reported at once.
    name: z.string('appointments.error.siteName').trim(),
    address: z.string('appointments.error.address').trim(),
    languages: languageList,
    otherLanguages: optionalText(200),
    active: z.enum(['1', '0'], 'appointments.error.active').optional(),
    ...Object.fromEntries(LOCALES.map((l) => [`accessibility_${l}`, optionalText(LIMITS.accessibility)])),
  })
  .transform((a, issue) => {
    if (a.name.length < 1 || a.name.length > LIMITS.siteName) issue.addIssue({ code: 'custom', path: ['name'], message: 'appointments.error.siteName' });
    if (a.address.length < 1 || a.address.length > LIMITS.address) issue.addIssue({ code: 'custom', path: ['address'], message: 'appointments.error.address' });
    const extra = (a.otherLanguages ?? '')
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const codes = [...new Set([...a.languages, ...extra])];
    const bad = codes.filter((c) => !isLanguageCode(c));
    if (bad.length > 0) issue.addIssue({ code: 'custom', path: ['otherLanguages'], message: 'appointments.error.languageCode' });
    if (codes.length === 0) issue.addIssue({ code: 'custom', path: ['languages'], message: 'appointments.error.languagesRequired' });
    if (codes.length > LIMITS.languages) issue.addIssue({ code: 'custom', path: ['otherLanguages'], message: 'appointments.error.languageCode' });
    const record = a as unknown as Record<string, string | undefined>;
    const accessibility: Record<string, string> = {};
    for (const l of LOCALES) {
      const v = record[`accessibility_${l}`];
      if (v) accessibility[l] = v;
    }
    return { name: a.name, address: a.address, languages: codes, accessibility, active: a.active !== '0' };
  });
export type SiteForm = z.output<typeof siteFormSchema>;

/** Ranges per weekday on the hours form. */
export const HOURS_RANGES_PER_DAY = 3;

/** Field name of one clock on the hours form: `h<weekday>_<range>_opens|closes`. */
export function hoursField(weekday: number, range: number, edge: 'opens' | 'closes'): string {
  return `h${weekday}_${range}_${edge}`;
}

const clockField = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().optional());

/** Body of the opening hours form: up to three ranges per weekday, `HH:MM`, blank for none. */
export const hoursFormSchema = z
  .strictObject({
    _csrf: z.string(),
    ...Object.fromEntries(
      [0, 1, 2, 3, 4, 5, 6].flatMap((d) =>
        Array.from({ length: HOURS_RANGES_PER_DAY }, (_, i) => [
          [hoursField(d, i, 'opens'), clockField],
          [hoursField(d, i, 'closes'), clockField],
        ]).flat(),
      ),
    ),
  })
  .transform((raw, issue) => {
    const record = raw as unknown as Record<string, string | undefined>;
    const ranges: Array<{ weekday: number; opens: number; closes: number }> = [];
    for (let d = 0; d <= 6; d++) {
      for (let i = 0; i < HOURS_RANGES_PER_DAY; i++) {
        const o = record[hoursField(d, i, 'opens')];
        const c = record[hoursField(d, i, 'closes')];
        if (o === undefined && c === undefined) continue;
        const opens = o === undefined ? null : parseClock(o);
        const closes = c === undefined ? null : parseClock(c);
        if (opens === null || closes === null || closes <= opens) {
          issue.addIssue({ code: 'custom', path: [hoursField(d, i, opens === null ? 'opens' : 'closes')], message: 'appointments.error.hours' });
          continue;
        }
        ranges.push({ weekday: d, opens, closes });
      }
    }
    return ranges;
  });

/** Body of "add a closure". */
export const closureFormSchema = z
  .strictObject({
    _csrf: z.string(),
    fromDate: z.string().refine(isIsoDate, 'appointments.error.fromDate'),
    toDate: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isIsoDate, 'appointments.error.toDate').optional()),
    reason: z.enum(CLOSURE_REASONS, 'appointments.error.reason'),
  })
  .transform((a, issue) => {
    const toDate = a.toDate ?? a.fromDate;
    if (toDate < a.fromDate) issue.addIssue({ code: 'custom', path: ['toDate'], message: 'appointments.error.dateOrder' });
    return { fromDate: a.fromDate, toDate, reason: a.reason };
  });

/** Body of the capacity form of one service at a site. */
export const capacityFormSchema = z.strictObject({
  _csrf: z.string(),
  service: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'appointments.error.service'),
  capacity: wholeNumber('appointments.error.capacity', 0, 1000),
  active: z.enum(['1', '0'], 'appointments.error.active'),
});

/** Query of the reports page. */
export const reportQuerySchema = z.strictObject({
  site: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isRandomId, 'appointments.error.site').optional()),
  lang: z.string().max(10).optional(),
});
