/**
 * Input of the U-visa module. One canonical request shape is shared by the three doors — the public guided
 * form, staff entry and the attorney API — so each door checks the same rules and reports the same,
 * translated field errors (message keys `u-visa.error.*`).
 *
 * Never asked: immigration status, citizenship, country of birth. The A-number is optional (Supplement B
 * Part 1 asks for it "if any"); it is checked for format, sealed and blind-indexed.
 */
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.ts';
import { isRandomId } from '../../core/crypto/random.ts';
import { LOCALES } from '../../core/i18n/locales.ts';
import { CRIME_CODES, CRIME_MODIFIERS, SIMILAR_ACTIVITY, supportsTVisa } from './u-visa.crimes.ts';

export const VISA_TYPES = ['U', 'T'] as const;
export type VisaType = (typeof VISA_TYPES)[number];

/** Who asks: the victim, or a representative Minn. Stat. §611A.95 subd. 2(a) names. */
export const REQUESTER_ROLES = ['victim', 'attorney', 'family-member', 'advocate'] as const;
export type RequesterRole = (typeof REQUESTER_ROLES)[number];

/** Part 1 of the 2024 I-918 Supp. B: Male / Female / Another Gender Identity. */
export const GENDERS = ['male', 'female', 'another'] as const;
export type Gender = (typeof GENDERS)[number];

/** The expedite, raised at intake: no, or who is in removal proceedings (the victim, or a family member). */
export const EXPEDITE_CHOICES = ['no', 'victim', 'family-member'] as const;
export type ExpediteChoice = (typeof EXPEDITE_CHOICES)[number];

/** Proof of removal proceedings, recorded by type and date (the document itself is never uploaded). */
export const PROOF_TYPES = ['notice-to-appear', 'hearing-notice', 'removal-order', 'detention-notice', 'other-court-document'] as const;
export type ProofType = (typeof PROOF_TYPES)[number];

/** A representative's authority, recorded by type and date (never uploaded). */
export const RELEASE_TYPES = ['signed-release', 'attorney-notice-of-appearance'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];

/** How the requester is reached for the decision letter and the signature-window warning. */
export const CONTACT_METHODS = ['email', 'sms', 'phone'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** Where a request came from. */
export const CHANNELS = ['public-form', 'staff', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Investigating agency choices besides the profile's certifying departments. */
export const OTHER_AGENCIES = ['other', 'unknown'] as const;

/** Limits of the free-text answers (the forms' `maxLength`s). */
export const LIMITS = {
  name: 100,
  otherNames: 200,
  organisation: 150,
  agencyOther: 150,
  caseNumber: 60,
  similarActivity: 1000,
  helpfulness: 4000,
  email: 254,
  phone: 30,
} as const;


const isoDate = (key: string) => z.string().refine(isIsoDate, key);

/**
 * An A-number as Supplement B prints it: `A` and nine digits. Accepts "A-123-456-789", "a123456789",
 * "12345678" (older numbers have 7 or 8 digits and are padded with leading zeros). `null` when it is not one.
 */
export function normalizeANumber(input: string): string | null {
  const s = input.normalize('NFKC').trim().toUpperCase().replace(/[\s.-]/g, '');
  const m = /^A?(\d{7,9})$/.exec(s);
  return m ? `A${(m[1] as string).padStart(9, '0')}` : null;
}

/**
 * A phone number in E.164, for SMS: "+1 612 555 0142", "(612) 555-0142" and "612.555.0142" are the same
 * North American number. `null` when it is not a plausible number.
 */
export function normalizePhone(input: string): string | null {
  const s = input.normalize('NFKC').trim();
  const digits = s.replace(/[^\d]/g, '');
  if (s.startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return null;
}

const text = (max: number) => z.string().trim().min(1, 'u-visa.error.required').max(max, 'u-visa.error.tooLong');
const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max, 'u-visa.error.tooLong').optional());
const optionalDate = z.preprocess((v) => (v === '' ? undefined : v), isoDate('u-visa.error.date').optional());
/** A list from a form (one value or several) or JSON (an array). */
const list = z.preprocess((v): unknown => (v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(z.string().max(64)).max(40));

/** The request as every door hands it over (field names are the public form's and the API's). */
const requestShape = z.strictObject({
  visaType: z.enum(VISA_TYPES, 'u-visa.error.visaType'),
  requesterRole: z.enum(REQUESTER_ROLES, 'u-visa.error.requesterRole'),
  requesterName: optionalText(LIMITS.name),
  requesterOrganisation: optionalText(LIMITS.organisation),
  releaseType: z.preprocess((v) => (v === '' ? undefined : v), z.enum(RELEASE_TYPES, 'u-visa.error.releaseType').optional()),
  releaseDate: optionalDate,
  crimes: list,
  crimeModifiers: list,
  similarActivity: optionalText(LIMITS.similarActivity),
  agency: z.string().min(1, 'u-visa.error.agency').max(64),
  agencyOther: optionalText(LIMITS.agencyOther),
  caseNumber: optionalText(LIMITS.caseNumber),
  courtFileNumber: optionalText(LIMITS.caseNumber),
  crimeDate: optionalDate,
  victimFamilyName: text(LIMITS.name),
  victimGivenName: text(LIMITS.name),
  victimMiddleName: optionalText(LIMITS.name),
  victimOtherNames: optionalText(LIMITS.otherNames),
  victimDateOfBirth: isoDate('u-visa.error.date'),
  victimGender: z.enum(GENDERS, 'u-visa.error.gender'),
  aNumber: optionalText(20),
  helpfulness: text(LIMITS.helpfulness),
  expedite: z.enum(EXPEDITE_CHOICES, 'u-visa.error.expedite'),
  expediteProofType: z.preprocess((v) => (v === '' ? undefined : v), z.enum(PROOF_TYPES, 'u-visa.error.proofType').optional()),
  expediteProofDate: optionalDate,
  language: z.enum(LOCALES, 'u-visa.error.language'),
  contactMethod: z.enum(CONTACT_METHODS, 'u-visa.error.contactMethod'),
  email: optionalText(LIMITS.email),
  phone: optionalText(LIMITS.phone),
});
export type RequestShape = z.output<typeof requestShape>;

/** The request's shape alone (no cross-field rules), for the OpenAPI description of the attorney API. */
export const requestBodySchema = requestShape;

/** The request after every rule: normalised values, ready to store. */
export interface RequestInput extends Omit<RequestShape, 'aNumber' | 'phone' | 'crimeModifiers'> {
  requesterName: string;
  aNumber?: string;
  phone?: string;
  crimeModifiers: Array<(typeof CRIME_MODIFIERS)[number]>;
  expedited: boolean;
}

/** What the rules need to know besides the input. */
export interface RequestRules {
  /** The jurisdiction's local date today (`YYYY-MM-DD`): no date may be later. */
  today: string;
  /** Ids of the certifying departments in the jurisdiction profile (choices of `agency`). */
  agencyIds: readonly string[];
}

type Issue = { path: string; key: string };

/** The cross-field rules, as field errors (empty when the request is valid). */
function crossFieldIssues(a: RequestShape, rules: RequestRules): Issue[] {
  const out: Issue[] = [];
  const add = (path: string, key: string) => {
    if (!out.some((i) => i.path === path)) out.push({ path, key });
  };
  // Representatives need the victim's signed release (or an attorney's notice of appearance) and their own name.
  if (a.requesterRole !== 'victim') {
    if (!a.requesterName) add('requesterName', 'u-visa.error.required');
    if (!a.releaseType) add('releaseType', 'u-visa.error.releaseMissing');
    if (!a.releaseDate) add('releaseDate', 'u-visa.error.releaseMissing');
  }
  // Crimes: at least one; each of the 28 or "similar activity", which must be explained.
  if (a.crimes.length === 0) add('crimes', 'u-visa.error.crimesRequired');
  const unknown = a.crimes.filter((c) => !CRIME_CODES.includes(c));
  if (unknown.length > 0) add('crimes', 'u-visa.error.crimeNotListed');
  if (a.crimes.includes(SIMILAR_ACTIVITY) && !a.similarActivity) add('similarActivity', 'u-visa.error.similarActivityRequired');
  if (a.similarActivity && !a.crimes.includes(SIMILAR_ACTIVITY)) add('similarActivity', 'u-visa.error.similarActivityUnticked');
  if (a.crimeModifiers.some((m) => !(CRIME_MODIFIERS as readonly string[]).includes(m))) add('crimeModifiers', 'u-visa.error.invalid');
  if (a.visaType === 'T' && unknown.length === 0 && a.crimes.length > 0 && !supportsTVisa(a.crimes)) add('crimes', 'u-visa.error.tVisaCrime');
  // The agency: one of the city's departments, another (named) or unknown.
  if (!rules.agencyIds.includes(a.agency) && !(OTHER_AGENCIES as readonly string[]).includes(a.agency)) add('agency', 'u-visa.error.agency');
  if (a.agency === 'other' && !a.agencyOther) add('agencyOther', 'u-visa.error.required');
  // The expedite must come with its proof (Minn. Stat. §611A.95 subd. 2(b): raised with the request).
  if (a.expedite !== 'no') {
    if (!a.expediteProofType) add('expediteProofType', 'u-visa.error.proofMissing');
    if (!a.expediteProofDate) add('expediteProofDate', 'u-visa.error.proofMissing');
  }
  // Dates in order: born before the crime, nothing in the future.
  const dates: Array<[keyof RequestShape, string | undefined]> = [
    ['victimDateOfBirth', a.victimDateOfBirth],
    ['crimeDate', a.crimeDate],
    ['releaseDate', a.releaseDate],
    ['expediteProofDate', a.expediteProofDate],
  ];
  for (const [field, value] of dates) if (value && value > rules.today) add(field, 'u-visa.error.dateInFuture');
  if (a.crimeDate && a.crimeDate < a.victimDateOfBirth) add('crimeDate', 'u-visa.error.crimeBeforeBirth');
  if (a.releaseDate && a.releaseDate < a.victimDateOfBirth) add('releaseDate', 'u-visa.error.datesOutOfOrder');
  // Formats.
  if (a.aNumber !== undefined && normalizeANumber(a.aNumber) === null) add('aNumber', 'u-visa.error.aNumber');
  if (a.contactMethod === 'email') {
    if (!a.email) add('email', 'u-visa.error.required');
    else if (!z.email().safeParse(a.email).success) add('email', 'u-visa.error.email');
  } else if (!a.phone) add('phone', 'u-visa.error.required');
  else if (normalizePhone(a.phone) === null) add('phone', 'u-visa.error.phone');
  return out;
}

/**
 * The request schema for one day and one jurisdiction: shape, then every cross-field rule. Its issues carry
 * message keys, so `parseInput` turns them into translated field errors.
 */
export function requestInputSchema(rules: RequestRules) {
  return requestShape
    .superRefine((a, ctx) => {
      for (const i of crossFieldIssues(a, rules)) ctx.addIssue({ code: 'custom', path: [i.path], message: i.key });
    })
    .transform((a): RequestInput => {
      const aNumber = a.aNumber === undefined ? undefined : (normalizeANumber(a.aNumber) ?? undefined);
      const phone = a.contactMethod === 'email' || a.phone === undefined ? undefined : (normalizePhone(a.phone) ?? undefined);
      const victimName = [a.victimGivenName, a.victimFamilyName].join(' ');
      return {
        ...a,
        requesterName: a.requesterRole === 'victim' ? (a.requesterName ?? victimName) : (a.requesterName as string),
        // Answers of branches not taken are dropped, so nothing is kept that the request does not need.
        requesterOrganisation: a.requesterRole === 'victim' ? undefined : a.requesterOrganisation,
        releaseType: a.requesterRole === 'victim' ? undefined : a.releaseType,
        releaseDate: a.requesterRole === 'victim' ? undefined : a.releaseDate,
        agencyOther: a.agency === 'other' ? a.agencyOther : undefined,
        expediteProofType: a.expedite === 'no' ? undefined : a.expediteProofType,
        expediteProofDate: a.expedite === 'no' ? undefined : a.expediteProofDate,
        email: a.contactMethod === 'email' ? a.email : undefined,
        crimes: [...new Set(a.crimes)],
        crimeModifiers: [...new Set(a.crimeModifiers)] as RequestInput['crimeModifiers'],
        aNumber,
        phone,
        expedited: a.expedite !== 'no',
      };
    });
}

/** Every field name of the request (the public form's and the API's). */
export const REQUEST_FIELDS = Object.keys(requestShape.shape) as Array<keyof RequestShape>;

/** A request id in a path; anything else is simply not found. */
export const requestParamsSchema = z.strictObject({ id: z.string().refine(isRandomId) });
