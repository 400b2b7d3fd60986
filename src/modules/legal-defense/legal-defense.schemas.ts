/**
 * Input of the detention-defense module. One canonical report shape serves the three doors — the public
 * "report a detention" form, the staff phone-intake screen and the partner API — so each checks the same
 * rules and answers with the same translated field errors (message keys `legal-defense.error.*`).
 *
 * Few questions are required: who was taken, when and where (a best guess is fine), where they may be held if
 * anyone knows, and a safe contact. The A-number is optional, format-checked, sealed and blind-indexed.
 * Never asked: immigration status, citizenship, country of birth, criminal history, the merits of the case.
 */
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.ts';
import { isRandomId } from '../../core/crypto/random.ts';
import { LOCALES } from '../../core/i18n/locales.ts';
import { isFacilityChoice } from './legal-defense.facilities.ts';
import { wholeNumber } from '../../core/http/validate.ts';

/** Who is reporting. */
export const REPORTER_ROLES = ['family', 'friend', 'self', 'attorney', 'community-group', 'other'] as const;
export type ReporterRole = (typeof REPORTER_ROLES)[number];

/** Languages the detained person may speak best, matched against providers' languages (BCP 47 codes; names are endonyms). */
export const PERSON_LANGUAGES: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
  { code: 'so', name: 'Soomaali' },
  { code: 'hmn', name: 'Hmoob' },
  { code: 'om', name: 'Afaan Oromoo' },
  { code: 'am', name: 'አማርኛ' },
  { code: 'ar', name: 'العربية' },
  { code: 'fr', name: 'Français' },
  { code: 'kar', name: 'ကညီကျိာ်' },
  { code: 'qu', name: 'Runa Simi' },
];
/** A language not in the list (no match is required then). */
export const OTHER_LANGUAGE = 'other';
export const PERSON_LANGUAGE_CODES: readonly string[] = [...PERSON_LANGUAGES.map((l) => l.code), OTHER_LANGUAGE];

/** How the safe contact is reached. */
export const CONTACT_METHODS = ['phone', 'sms', 'email'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];
/** What a safe contact agrees to be told (see `contactConsent`). */
export const CONTACT_CONSENTS = ['no', 'yes', 'updates'] as const;

/** Does the person live in the city? `unknown` leaves it to staff. */
export const LIVES_IN_CITY = ['yes', 'no', 'unknown'] as const;
export type LivesInCity = (typeof LIVES_IN_CITY)[number];

/** Why a report waits for staff to check residency: the reason code of its `eligibility-needed` event. */
export const RESIDENCY_NOTES = ['income-screening', 'lives-in-city-no', 'lives-in-city-unknown', 'address-review', 'address-outside', 'address-unmatched'] as const;
export type ResidencyNote = (typeof RESIDENCY_NOTES)[number];

/** Where a report came from. */
export const CHANNELS = ['public-form', 'phone', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LIMITS = { name: 100, otherNames: 200, place: 300, facilityOther: 200, contactName: 100, relationship: 60, email: 254, phone: 30, street: 120, zip: 10, note: 1000 } as const;


/**
 * An A-number as EOIR and ICE print it: `A` and nine digits ("A-123-456-789", "a 12345678"; older numbers
 * have 7 or 8 digits and are padded). `null` when it is not one.
 */
export function normalizeANumber(input: string): string | null {
  const s = input.normalize('NFKC').trim().toUpperCase().replace(/[\s.-]/g, '');
  const m = /^A?(\d{7,9})$/.exec(s);
  return m ? `A${(m[1] as string).padStart(9, '0')}` : null;
}

/** A phone number in E.164 ("(612) 555-0142" → "+16125550142"); `null` when it is not a plausible number. */
export function normalizePhone(input: string): string | null {
  const s = input.normalize('NFKC').trim();
  const digits = s.replace(/[^\d]/g, '');
  if (s.startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return null;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const text = (max: number) => z.string('legal-defense.error.required').trim().min(1, 'legal-defense.error.required').max(max, 'legal-defense.error.tooLong');
const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max, 'legal-defense.error.tooLong').optional());
const isoDate = z.string('legal-defense.error.date').refine(isIsoDate, 'legal-defense.error.date');
const optionalDate = z.preprocess(blankToUndefined, isoDate.optional());
const choice = <T extends readonly [string, ...string[]]>(values: T, key: string) => z.enum(values, key);

/** The report as every door hands it over (field names are the public form's and the API's). */
const reportShape = z.strictObject({
  reporterRole: choice(REPORTER_ROLES, 'legal-defense.error.reporterRole'),
  givenName: text(LIMITS.name),
  familyName: text(LIMITS.name),
  otherNames: optionalText(LIMITS.otherNames),
  dateOfBirth: optionalDate,
  detainedOn: isoDate,
  detainedPlace: text(LIMITS.place),
  facility: z.string('legal-defense.error.facility').trim().min(1, 'legal-defense.error.facility').max(64, 'legal-defense.error.facility'),
  facilityOther: optionalText(LIMITS.facilityOther),
  aNumber: optionalText(20),
  personLanguage: z.preprocess((v) => (v === '' || v === undefined ? OTHER_LANGUAGE : v), z.string().max(10)),
  livesInCity: choice(LIVES_IN_CITY, 'legal-defense.error.livesInCity'),
  street: optionalText(LIMITS.street),
  zip: optionalText(LIMITS.zip),
  contactName: text(LIMITS.contactName),
  contactRelationship: optionalText(LIMITS.relationship),
  contactMethod: choice(CONTACT_METHODS, 'legal-defense.error.contactMethod'),
  contactPhone: optionalText(LIMITS.phone),
  contactEmail: optionalText(LIMITS.email),
  /**
   * What the contact agrees to be told, by short messages with the case reference only (no names, no place):
   * `yes` (or `true`) — when a lawyer takes the case; `updates` — that, and when the person is released; `no`,
   * `false` or nothing — no messages. Any other value is refused rather than read as a no.
   */
  contactConsent: z.preprocess((v) => (v === true ? 'yes' : v === false || v === undefined || v === '' ? 'no' : v), z.enum(CONTACT_CONSENTS, 'legal-defense.error.contactConsent')),
  language: z.enum(LOCALES, 'legal-defense.error.language'),
});
export type ReportShape = z.output<typeof reportShape>;

/** The report's shape alone, for the OpenAPI description of the partner API. */
export const reportBodySchema = reportShape;

/** A report after every rule: normalised, ready to store. */
export interface ReportInput extends Omit<ReportShape, 'aNumber' | 'contactPhone'> {
  aNumber?: string;
  contactPhone?: string;
}

/** What the rules need besides the input. */
export interface ReportRules {
  /** The city's local date today: no date may be later. */
  today: string;
}

const EMAIL = z.email();

function issues(a: ReportShape, rules: ReportRules): Array<{ path: string; key: string }> {
  const out: Array<{ path: string; key: string }> = [];
  const add = (path: string, key: string) => {
    if (!out.some((i) => i.path === path)) out.push({ path, key });
  };
  if (a.detainedOn > rules.today) add('detainedOn', 'legal-defense.error.dateInFuture');
  if (a.dateOfBirth && a.dateOfBirth > rules.today) add('dateOfBirth', 'legal-defense.error.dateInFuture');
  if (a.dateOfBirth && a.detainedOn < a.dateOfBirth) add('detainedOn', 'legal-defense.error.beforeBirth');
  if (!isFacilityChoice(a.facility)) add('facility', 'legal-defense.error.facility');
  if (a.facility === 'other' && !a.facilityOther) add('facilityOther', 'legal-defense.error.required');
  if (!PERSON_LANGUAGE_CODES.includes(a.personLanguage)) add('personLanguage', 'legal-defense.error.personLanguage');
  if (a.aNumber !== undefined && normalizeANumber(a.aNumber) === null) add('aNumber', 'legal-defense.error.aNumber');
  if (a.zip !== undefined && !/^\d{5}$|^\d{5}-\d{4}$/.test(a.zip)) add('zip', 'legal-defense.error.zip');
  if (a.contactMethod === 'email') {
    if (!a.contactEmail) add('contactEmail', 'legal-defense.error.required');
    else if (!EMAIL.safeParse(a.contactEmail).success) add('contactEmail', 'legal-defense.error.email');
  } else if (!a.contactPhone) add('contactPhone', 'legal-defense.error.required');
  else if (normalizePhone(a.contactPhone) === null) add('contactPhone', 'legal-defense.error.phone');
  return out;
}

let lastSchema: { today: string; schema: ReturnType<typeof buildReportInputSchema> } | undefined;

/**
 * The report schema for one day: shape, then every cross-field rule (issues carry message keys). Kept for the
 * day it was made for: a schema is compiled on its first use, which costs more than the parse.
 */
export function reportInputSchema(rules: ReportRules): ReturnType<typeof buildReportInputSchema> {
  if (lastSchema?.today !== rules.today) lastSchema = { today: rules.today, schema: buildReportInputSchema(rules) };
  return lastSchema.schema;
}

function buildReportInputSchema(rules: ReportRules) {
  return reportShape
    .superRefine((a, ctx) => {
      for (const i of issues(a, rules)) ctx.addIssue({ code: 'custom', path: [i.path], message: i.key });
    })
    .transform((a): ReportInput => ({
      ...a,
      // Answers of branches not taken are dropped: nothing is kept that the report does not need.
      facilityOther: a.facility === 'other' ? a.facilityOther : undefined,
      street: a.livesInCity === 'yes' ? a.street : undefined,
      zip: a.livesInCity === 'yes' ? a.zip : undefined,
      aNumber: a.aNumber === undefined ? undefined : (normalizeANumber(a.aNumber) ?? undefined),
      contactPhone: a.contactMethod === 'email' || a.contactPhone === undefined ? undefined : (normalizePhone(a.contactPhone) ?? undefined),
      contactEmail: a.contactMethod === 'email' ? a.contactEmail : undefined,
      // A phone call cannot carry a message: consent only for text messages and e-mail.
      contactConsent: a.contactMethod === 'phone' ? 'no' : a.contactConsent,
    }));
}

/** Every field name of the report. */
export const REPORT_FIELDS = Object.keys(reportShape.shape) as Array<keyof ReportShape>;

/** A case id in a path; anything else is simply not found. */
export const caseParamsSchema = z.strictObject({ id: z.string().refine(isRandomId) });

// ---------------------------------------------------------------------------------------------------------
// Eligibility

/** How residency was established. */
export const RESIDENCY_BASES = ['address-in-city', 'attestation', 'staff-verified'] as const;
export type ResidencyBasis = (typeof RESIDENCY_BASES)[number];

/** Why a person is not served (each has translated referrals). */
export const INELIGIBLE_REASONS = ['not-resident', 'not-detained', 'income', 'declined-services'] as const;
export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];

export const eligibilitySchema = z
  .strictObject({
    _csrf: z.string().optional(),
    revision: wholeNumber('form.error.invalid', 0, Number.MAX_SAFE_INTEGER),
    decision: z.enum(['eligible', 'ineligible'], 'legal-defense.error.decision'),
    basis: z.preprocess(blankToUndefined, z.enum(RESIDENCY_BASES, 'legal-defense.error.basis').optional()),
    street: optionalText(LIMITS.street),
    zip: optionalText(LIMITS.zip),
    incomeWithinLimit: z.preprocess(blankToUndefined, z.enum(['yes', 'no'], 'legal-defense.error.income').optional()),
    reason: z.preprocess(blankToUndefined, z.enum(INELIGIBLE_REASONS, 'legal-defense.error.reason').optional()),
  })
  .superRefine((a, ctx) => {
    if (a.decision === 'eligible' && !a.basis) ctx.addIssue({ code: 'custom', path: ['basis'], message: 'legal-defense.error.basis' });
    if (a.decision === 'eligible' && a.basis === 'address-in-city' && !a.street) ctx.addIssue({ code: 'custom', path: ['street'], message: 'legal-defense.error.required' });
    if (a.decision === 'ineligible' && !a.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'legal-defense.error.reason' });
  });
export type EligibilityInput = z.output<typeof eligibilitySchema>;

// ---------------------------------------------------------------------------------------------------------
// Providers

/** Why a provider declines an offered case. */
export const DECLINE_REASONS = ['conflict', 'no-capacity', 'no-language', 'outside-practice', 'other'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

const languageList = z.preprocess(
  (v): unknown => (v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
  z.array(z.string().refine((c) => PERSON_LANGUAGE_CODES.includes(c) && c !== OTHER_LANGUAGE, 'legal-defense.error.personLanguage')).max(20),
);

export const providerSchema = z.strictObject({
  _csrf: z.string().optional(),
  name: text(150),
  capacity: wholeNumber('legal-defense.error.capacity', 0, 100_000),
  languages: languageList,
  available: z.preprocess((v) => v === 'yes' || v === true, z.boolean()),
});
export type ProviderInput = z.output<typeof providerSchema>;
