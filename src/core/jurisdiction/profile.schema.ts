/**
 * The shape of a jurisdiction profile: every fact about a place (languages, fees, ages, clocks, holidays,
 * poverty guidelines, …) that the code must never hard-code.
 *
 * Every fact is wrapped in a {@link Sourced} envelope so that staff, auditors and the next engineer can see
 * where a number came from and whether anyone has confirmed it. Structural metadata (`id`, `version`,
 * `schemaVersion`, `isTestProfile`, `description`, a guideline table's `year`) is the only unwrapped data.
 *
 * Cross-field rules that a plain shape cannot express (default language is offered, holiday references
 * resolve, age bands are contiguous, …) live in `jurisdictionProfileSchema`'s refinement so that a profile
 * is rejected at load time, not when a resident hits the broken path.
 */
import { z } from 'zod';

/** The profile format this code reads. Bump it (and migrate every profile) on a breaking shape change. */
export const PROFILE_SCHEMA_VERSION = 1 as const;

/**
 * A fact and where it came from.
 *
 * - `source`: citation a person can follow (statute, ordinance, page, or the `reference/` section).
 * - `unverified: true`: the research marks it UNVERIFIED, or it is our own estimate / a default chosen for
 *   this jurisdiction. Never present such a value to the public as law without checking it.
 * - `note`: why the value is what it is, caveats, what to check.
 */
export interface Sourced<T> {
  value: T;
  source: string;
  unverified?: true;
  note?: string;
}

const nonEmpty = z.string().trim().min(1);
const slug = z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'must be kebab-case: a-z, 0-9 and "-", starting with a letter' });
const isoDate = z.iso.date();
const nonNegativeInt = z.int().min(0);
const positiveInt = z.int().positive();
/** Money is held in integer cents so fee arithmetic never meets floating-point rounding. */
const cents = nonNegativeInt;
/** Annual poverty-guideline amounts are published in whole dollars. */
const wholeDollars = positiveInt;
const percent = z.number().positive().max(1000);

/** Wraps a value schema in the {@link Sourced} envelope. */
export function sourced<T extends z.ZodType>(value: T) {
  return z.strictObject({
    value,
    source: z.string().trim().min(1, { error: 'every fact needs a non-empty source' }),
    unverified: z.literal(true, { error: 'unverified is either true or absent' }).optional(),
    note: nonEmpty.optional(),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Locale and geography

// Checked part by part rather than with one repeating regex, which the security linter rightly distrusts.
function isLanguageTag(tag: string): boolean {
  const [primary = '', ...subtags] = tag.split('-');
  return /^[a-z]{2,3}$/.test(primary) && subtags.every((s) => /^[A-Za-z0-9]{2,8}$/.test(s));
}

/** Dotted kebab-case record keys such as `municipal-id.source-document`. */
function isDottedKey(key: string): boolean {
  return key.split('.').every((part) => /^[a-z][a-z0-9-]*$/.test(part));
}

export const languageSchema = z.strictObject({
  /** BCP 47 primary language tag as the i18n catalogs name it (`en`, `es`, `so`, `hmn`). */
  code: z.string().refine(isLanguageTag, { error: 'must be a BCP 47 language tag such as "en" or "zh-Hant"' }),
  /** The language's name in itself, for the language selector ("Español", "Soomaali"). */
  nativeName: nonEmpty,
  englishName: nonEmpty,
  direction: z.enum(['ltr', 'rtl']),
});
export type Language = z.output<typeof languageSchema>;

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isValidTimeZone, { error: 'must be an IANA time zone known to this Node runtime' });

/**
 * A data file path relative to the repository root. Absolute paths and `..` are refused so a profile can
 * never point the server at a file outside the checkout.
 */
const repoRelativePath = z
  .string()
  .regex(/^(?!\/)(?![A-Za-z]:)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]+$/, {
    error: 'must be a path relative to the repository root, without ".." segments',
  });

export const geoFileSchema = z.strictObject({
  path: repoRelativePath,
  format: z.literal('geojson'),
  /** GeoJSON properties that carry the ward / precinct / name, when the file has them. */
  properties: z.record(z.string(), nonEmpty).optional(),
});
export type GeoFile = z.output<typeof geoFileSchema>;

// ---------------------------------------------------------------------------------------------------------
// Municipal ID

export const idVariantSchema = z.strictObject({
  id: slug,
  label: nonEmpty,
  minAge: nonNegativeInt,
  /** Inclusive upper age; `null` = no upper bound. */
  maxAge: nonNegativeInt.nullable(),
  /** `null` = the card does not expire for this band. */
  validityYears: positiveInt.nullable(),
  feeCents: cents,
  replacementFeeCents: cents,
});
export type IdVariant = z.output<typeof idVariantSchema>;

export const idDocumentSchema = z.strictObject({
  id: slug,
  label: nonEmpty,
  identityPoints: nonNegativeInt,
  residencyPoints: nonNegativeInt,
  hasPhoto: z.boolean(),
  /** Shows the applicant's own date of birth (a child's birth certificate does not). */
  showsDateOfBirth: z.boolean(),
});
export type IdDocument = z.output<typeof idDocumentSchema>;

export const idPointRulesSchema = z.strictObject({
  minTotalPoints: positiveInt,
  minIdentityPoints: nonNegativeInt,
  minResidencyPoints: nonNegativeInt,
  requirePhotoDocument: z.boolean(),
  /** Applicants up to this age may go without a photo document when a caretaker proves the relationship. */
  photoExemptMaxAgeWithCaretaker: nonNegativeInt.nullable(),
  requireDateOfBirthDocument: z.boolean(),
  /** Expired documents are refused, except passports expired no more than this many years. */
  expiredPassportGraceYears: nonNegativeInt,
  originalsOrCertifiedCopiesOnly: z.boolean(),
});
export type IdPointRules = z.output<typeof idPointRulesSchema>;

export const feeWaiverSchema = z.strictObject({ id: slug, label: nonEmpty });

export const municipalIdSchema = z.strictObject({
  programStatus: sourced(z.enum(['not-adopted', 'adopted-not-launched', 'issuing'])),
  administeringOffice: sourced(nonEmpty),
  minimumAge: sourced(nonNegativeInt),
  residencyDays: sourced(nonNegativeInt),
  validityYears: sourced(positiveInt),
  /** Age bands with their own fee and term; together they must cover every age from `minimumAge` up. */
  variants: z.array(sourced(idVariantSchema)).min(1),
  feeWaivers: sourced(z.array(feeWaiverSchema)),
  feeWaiverMaxPercentFpg: sourced(percent.nullable()),
  careOfAddressAllowed: sourced(z.boolean()),
  pointRules: sourced(idPointRulesSchema),
  documents: z.array(sourced(idDocumentSchema)).min(1),
  /** Identity documents are looked at and scored, never copied (DESIGN.md §3 rule 2). */
  retainSourceDocuments: sourced(z.literal(false)),
  /** Whether a statute makes card-holder data non-public; if not, the application form must say so. */
  dataClassifiedNonPublicByStatute: sourced(z.boolean()),
});

// ---------------------------------------------------------------------------------------------------------
// Clocks

export const HOLIDAY_CALENDARS = ['federal', 'state', 'city'] as const;
export type HolidayCalendar = (typeof HOLIDAY_CALENDARS)[number];
const holidayCalendar = z.enum(HOLIDAY_CALENDARS);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a 24-hour time HH:MM' });

/** A time before or after a due time: `{ amount: 3, unit: 'days' }`; 0 means "at the due time". */
export const clockOffsetSchema = z.strictObject({
  amount: nonNegativeInt,
  unit: z.enum(['hours', 'days', 'business-days']),
});

export const clockRuleSchema = z.strictObject({
  amount: positiveInt,
  /** `days` are calendar days; `business-days` skip weekends and the `calendar`'s holidays. */
  unit: z.enum(['hours', 'days', 'business-days', 'months', 'years']),
  /** The event that starts the clock, in words staff understand. */
  startsAt: nonEmpty,
  /** `before`: a window counted back from a date (e.g. file within 90 days before a card expires). */
  direction: z.enum(['after', 'before']).optional(),
  /** For hour clocks that stop over weekends and holidays (8 CFR 287.7(d)). */
  skipNonBusinessDays: z.boolean().optional(),
  /** What happens when the last day is a weekend or holiday. `keep` is the conservative choice. */
  dueOnNonBusinessDay: z.enum(['keep', 'next-business-day', 'previous-business-day']),
  calendar: holidayCalendar,
  /** A legal deadline binds someone by law; a service level is the city's own promise. */
  kind: z.enum(['legal-deadline', 'service-level']),
  /**
   * `due-day` (default): the due date is the last day to act ("within 30 days"). `day-before`: on the due
   * date it is already too late, so the last day is the day before (a person "turns 21" on the birthday).
   */
  lastDay: z.enum(['due-day', 'day-before']).optional(),
  /** Hour clocks that count only between these local times on business days (`HH:MM`, 24-hour). */
  businessHours: z.strictObject({ start: hhmm, end: hhmm }).optional(),
  /** Reason codes for which the rule lets the clock stop and restart (tolling). Absent: it never pauses. */
  pauseReasons: z.array(slug).min(1).optional(),
  /**
   * Reason codes for which the rule allows a delay for good cause ("or as soon as reasonably possible if
   * … off-site records or other good cause"). Absent: no extension, the due date holds.
   */
  goodCauseReasons: z.array(slug).min(1).optional(),
  /**
   * Operational settings, not law: reminders before the due time (default by the clock engine from the
   * rule's length) and escalations after it (default: a supervisor at the due time).
   */
  reminders: z.array(clockOffsetSchema).optional(),
  escalations: z.array(z.strictObject({ after: clockOffsetSchema, to: slug })).optional(),
})
  .superRefine((rule, ctx) => {
    const hourRule = rule.unit === 'hours';
    if (rule.businessHours && !hourRule) ctx.addIssue({ code: 'custom', message: 'businessHours applies to hour clocks only', path: ['businessHours'] });
    if (rule.skipNonBusinessDays && !hourRule) ctx.addIssue({ code: 'custom', message: 'skipNonBusinessDays applies to hour clocks only (use unit business-days)', path: ['skipNonBusinessDays'] });
    if (rule.businessHours && rule.businessHours.start >= rule.businessHours.end) {
      ctx.addIssue({ code: 'custom', message: 'businessHours.start must be before businessHours.end', path: ['businessHours'] });
    }
    if (rule.lastDay === 'day-before' && hourRule) ctx.addIssue({ code: 'custom', message: 'lastDay applies to day, month and year clocks', path: ['lastDay'] });
    if (rule.direction === 'before' && (rule.businessHours || rule.skipNonBusinessDays)) {
      ctx.addIssue({ code: 'custom', message: 'a window counted back from a date cannot count business hours', path: ['direction'] });
    }
  });
export type ClockRule = z.output<typeof clockRuleSchema>;
export type ClockOffset = z.output<typeof clockOffsetSchema>;

const clock = sourced(clockRuleSchema);

export const clocksSchema = z.strictObject({
  /** City processing time for U/T-visa certification requests (the strictest rule that binds the city). */
  uVisaCertification: clock,
  /** …when the victim (or a family member) is in removal proceedings. */
  uVisaCertificationExpedited: clock,
  /** State statutory maximum, shown alongside the city rule; absent where the state has none. */
  uVisaCertificationStateMaximum: clock.optional(),
  uVisaCertificationStateMaximumExpedited: clock.optional(),
  /** A signed I-918 Supp. B must reach USCIS within this time. */
  uVisaCertificationSignatureValidity: clock,
  biaAppeal: clock,
  motionToReopen: clock,
  motionToReconsider: clock,
  petitionForReview: clock,
  asylumOneYear: clock,
  /** Alert before a U-visa victim or derivative family member turns 21 (no longer a "child"). */
  uVisaDerivativeAgeOut: clock.optional(),
  detainerMaximumHold: clock,
  legalDefenseProviderAccept: clock,
  legalDefenseFirstAttorneyContact: clock,
  outsideDemandSubjectNotice: clock,
  separationRequestReport: clock.optional(),
  dataSubjectAccessResponse: clock.optional(),
  tenantRetaliationPresumption: clock.optional(),
  humanRightsChargeFiling: clock.optional(),
});
export type ClockName = keyof z.output<typeof clocksSchema>;

export const clockConventionsSchema = z.strictObject({
  /** Whether a statute's bare "days" means calendar days. */
  statuteDaysAreCalendarDays: sourced(z.boolean()),
});

// ---------------------------------------------------------------------------------------------------------
// Holidays

export const holidayDateRuleSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('fixed'), month: z.int().min(1).max(12), day: z.int().min(1).max(31) }),
    z.strictObject({
      kind: z.literal('nth-weekday'),
      month: z.int().min(1).max(12),
      /** 0 = Sunday … 6 = Saturday. */
      weekday: z.int().min(0).max(6),
      /** 1–5 = first…fifth, -1 = last. */
      nth: z.int().min(-1).max(5).refine((n) => n !== 0, { error: 'nth is 1–5 or -1 (last)' }),
    }),
    z.strictObject({
      kind: z.literal('after-holiday'),
      /** Another holiday's `id`, e.g. the day after Thanksgiving. */
      holiday: slug,
      offsetDays: z.int().min(-14).max(14).refine((n) => n !== 0, { error: 'offsetDays must not be 0' }),
    }),
  ])
  .superRefine((rule, ctx) => {
    // Never allow a date that does not exist every year (Feb 29, Apr 31): the holiday would silently vanish.
    if (rule.kind === 'fixed') {
      const max = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][rule.month - 1] ?? 31;
      if (rule.day > max) ctx.addIssue({ code: 'custom', message: `day ${rule.day} does not exist every year in month ${rule.month}`, path: ['day'] });
    }
  });
export type HolidayDateRule = z.output<typeof holidayDateRuleSchema>;

export const holidaySchema = z.strictObject({
  id: slug,
  /** English name for staff screens and docs; public pages translate `holiday.<id>`. */
  name: nonEmpty,
  calendars: z.array(holidayCalendar).min(1),
  rule: holidayDateRuleSchema,
  /**
   * `weekend-to-nearest-weekday`: Saturday → Friday before, Sunday → Monday after.
   * `sunday-to-monday`: only Sunday moves. `none`: the date stands.
   */
  observance: z.enum(['none', 'weekend-to-nearest-weekday', 'sunday-to-monday']),
  sinceYear: z.int().min(1776).max(9999).optional(),
  untilYear: z.int().min(1776).max(9999).optional(),
});
export type Holiday = z.output<typeof holidaySchema>;

// ---------------------------------------------------------------------------------------------------------
// Poverty guidelines and income rules

export const povertyGuidelineYearSchema = z.strictObject({
  year: z.int().min(1960).max(9999),
  effectiveDate: sourced(isoDate),
  /** Annual dollars for household sizes 1, 2, 3, … (index 0 = one person). */
  bySize: z.array(sourced(wholeDollars)).min(1),
  /** Added per person beyond the last listed size. */
  additionalPerson: sourced(wholeDollars),
});
export type PovertyGuidelineYear = z.output<typeof povertyGuidelineYearSchema>;

export const povertyGuidelinesSchema = z.strictObject({
  region: sourced(z.enum(['contiguous-us', 'alaska', 'hawaii'])),
  /** The table programs use when they do not ask for a year. */
  defaultYear: sourced(z.int()),
  years: z.array(povertyGuidelineYearSchema).min(1),
});

export const incomeRulesSchema = z.strictObject({
  /** Universal representation: detained residents are represented without an income test. */
  legalDefenseIncomeScreening: sourced(z.boolean()),
  legalDefenseMaxPercentFpg: sourced(percent.nullable()),
  /** Legal-defense eligibility looks at the merits of the case (universal representation: no). */
  legalDefenseMeritsScreening: sourced(z.boolean()),
  uscisFeeWaiverMaxPercentFpg: sourced(percent),
  uscisReducedFeeMaxPercentFpg: sourced(percent),
});

// ---------------------------------------------------------------------------------------------------------
// Other program facts

export const retentionRuleSchema = z.strictObject({
  /** 0 = never stored at all. */
  maxDays: nonNegativeInt,
  startsAt: nonEmpty,
});
export type RetentionRule = z.output<typeof retentionRuleSchema>;

export const minimumWageStepSchema = z.strictObject({
  effectiveDate: isoDate,
  employerSize: z.enum(['all', 'large', 'small']),
  hourlyCents: positiveInt,
});

export const laborSchema = z.strictObject({
  cityMinimumWage: z.array(sourced(minimumWageStepSchema)),
  stateMinimumWage: z.array(sourced(minimumWageStepSchema)),
  sickTime: sourced(
    z.strictObject({
      accrualHoursWorkedPerHour: positiveInt,
      maxAccrualHoursPerYear: positiveInt,
      maxBalanceHours: positiveInt,
      paidLeaveMinEmployees: positiveInt,
      coveredMinHoursPerYearInCity: positiveInt,
    }),
  ),
  /** Languages the city's required workplace notices are published in (BCP 47 codes). */
  noticeLanguages: sourced(z.array(nonEmpty).min(1)),
});

export const tenantsSchema = z.strictObject({
  securityDepositMaxMonthsRent: sourced(z.number().positive().nullable()),
  screeningLookbackYears: sourced(
    z.strictObject({
      misdemeanor: positiveInt,
      felony: positiveInt,
      seriousFelony: positiveInt,
      evictionJudgment: positiveInt,
      evictionSettlement: positiveInt,
    }),
  ).optional(),
  rentalLicenseInspectionCycleYears: sourced(z.record(z.string(), positiveInt)).optional(),
});

export const uVisaSchema = z.strictObject({
  /**
   * The city's certifying departments and what each certifies. A request is routed to the department whose
   * `id` is the agency that investigated or prosecuted the crime, when the visa type is one it certifies and,
   * if it lists `crimes` (qualifying-crime codes of the u-visa module), the request names one of them.
   */
  certifyingAgencies: sourced(
    z
      .array(z.strictObject({ id: slug, name: nonEmpty, certifies: nonEmpty, visaTypes: z.array(z.enum(['U', 'T'])).min(1), crimes: z.array(slug).min(1).optional() }))
      .min(1),
  ),
  expediteChannel: sourced(nonEmpty),
  /**
   * How staff assess the victim's helpfulness: `certify-unless-documented-reason` presumes the victim helpful
   * (a denial needs a documented reason); `none` makes staff record an assessment before any decision.
   */
  helpfulnessPresumption: sourced(z.enum(['certify-unless-documented-reason', 'none'])),
});

/**
 * The city's budget year. A fiscal year starts on the first day of `fiscalYearStartMonth` and is named by the
 * calendar year in which it ends (US practice: a year starting 1 July 2026 is fiscal 2027).
 */
export const budgetSchema = z.strictObject({
  fiscalYearStartMonth: sourced(z.int().min(1).max(12)),
});

export const legalDefenseSchema = z.strictObject({
  residencyRequired: sourced(z.boolean()),
  knownProviders: sourced(z.array(nonEmpty)),
});

export const clinicsSchema = z.strictObject({
  n400FeeCents: sourced(z.strictObject({ paper: cents, online: cents, reduced: cents })),
  naturalizationEarlyFilingDays: sourced(positiveInt),
  dacaRenewalWindowDaysBeforeExpiry: sourced(z.strictObject({ earliest: positiveInt, latest: positiveInt })),
  greenCardRenewalMonthsBeforeExpiry: sourced(positiveInt),
  conditionalResidenceFilingDaysBeforeExpiry: sourced(positiveInt),
});

export const privacyLawSchema = z.strictObject({
  name: sourced(nonEmpty),
  /** Intake forms must give a notice of purpose, refusal rights, consequences and recipients. */
  collectionNoticeRequired: sourced(z.boolean()),
  collectionNoticeName: sourced(nonEmpty),
  subjectAccessFree: sourced(z.boolean()),
});

// ---------------------------------------------------------------------------------------------------------
// The profile

const jurisdictionProfileShape = z.strictObject({
  schemaVersion: z.literal(PROFILE_SCHEMA_VERSION),
  id: slug,
  /** `YYYY.N`: the year the facts were last reviewed and a release counter within it. */
  version: z.string().regex(/^\d{4}\.\d+$/, { error: 'must look like "2026.1"' }),
  isTestProfile: z.boolean(),
  description: nonEmpty,
  place: z.strictObject({
    cityName: sourced(nonEmpty),
    displayName: sourced(nonEmpty),
    state: sourced(z.strictObject({ code: z.string().regex(/^[A-Z]{2}$/), name: nonEmpty })),
    county: sourced(nonEmpty),
    country: sourced(z.literal('US')),
  }),
  locale: z.strictObject({
    languages: sourced(z.array(languageSchema).min(1)),
    defaultLanguage: sourced(nonEmpty),
    timezone: sourced(timeZone),
    currency: sourced(z.literal('USD')),
  }),
  geography: z.strictObject({
    cityBoundary: sourced(geoFileSchema),
    precincts: sourced(geoFileSchema).optional(),
    wardCount: sourced(positiveInt).optional(),
  }),
  municipalId: municipalIdSchema,
  clockConventions: clockConventionsSchema,
  clocks: clocksSchema,
  holidays: z.strictObject({
    /** The calendar that decides the city's own business days. */
    defaultCalendar: sourced(holidayCalendar),
    rules: z.array(sourced(holidaySchema)).min(1),
  }),
  povertyGuidelines: povertyGuidelinesSchema,
  incomeRules: incomeRulesSchema,
  /** Keyed by record type, `<module>.<record>` (e.g. `municipal-id.source-document`). */
  retention: z.record(z.string().refine(isDottedKey, { error: 'must be dotted kebab-case, e.g. "municipal-id.source-document"' }), sourced(retentionRuleSchema)),
  budget: budgetSchema,
  legalDefense: legalDefenseSchema,
  uVisa: uVisaSchema,
  clinics: clinicsSchema,
  labor: laborSchema,
  tenants: tenantsSchema,
  municipalVoting: z.strictObject({ noncitizenVotingAllowedByLaw: sourced(z.boolean()) }),
  privacyLaw: privacyLawSchema,
  publication: z.strictObject({
    /** Published counts from 1 up to this number are suppressed (DESIGN.md §3 rule 8). */
    smallCellMax: sourced(positiveInt),
  }),
  office: z.strictObject({ name: sourced(nonEmpty) }),
});

type ProfileShape = z.output<typeof jurisdictionProfileShape>;
type IssueSink = (message: string, path: PropertyKey[]) => void;

function findDuplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

function checkLocale(p: ProfileShape, issue: IssueSink): void {
  const codes = p.locale.languages.value.map((l) => l.code);
  for (const d of findDuplicates(codes)) issue(`language "${d}" is listed twice`, ['locale', 'languages', 'value']);
  if (!codes.includes(p.locale.defaultLanguage.value)) {
    issue(`default language "${p.locale.defaultLanguage.value}" is not among the offered languages (${codes.join(', ')})`, ['locale', 'defaultLanguage', 'value']);
  }
}

function checkMunicipalId(p: ProfileShape, issue: IssueSink): void {
  const id = p.municipalId;
  const bands = id.variants.map((v, i) => ({ ...v.value, index: i })).sort((a, b) => a.minAge - b.minAge);
  for (const d of findDuplicates(bands.map((b) => b.id))) issue(`variant "${d}" is listed twice`, ['municipalId', 'variants']);
  for (const b of bands) {
    if (b.maxAge !== null && b.maxAge < b.minAge) issue(`maxAge ${b.maxAge} is below minAge ${b.minAge}`, ['municipalId', 'variants', b.index, 'value', 'maxAge']);
  }
  // Bands must tile the ages from minimumAge upwards: a gap would leave someone unable to apply.
  let expected = id.minimumAge.value;
  for (const b of bands) {
    if (b.minAge !== expected) {
      issue(`age bands must be contiguous from minimumAge ${id.minimumAge.value}: expected a band starting at ${expected}, found ${b.minAge}`, ['municipalId', 'variants', b.index, 'value', 'minAge']);
    }
    if (b.maxAge === null) {
      expected = Number.POSITIVE_INFINITY;
      continue;
    }
    expected = b.maxAge + 1;
  }
  if (expected !== Number.POSITIVE_INFINITY) issue('the oldest age band must have maxAge null (no upper bound)', ['municipalId', 'variants']);

  for (const d of findDuplicates(id.documents.map((doc) => doc.value.id))) issue(`document "${d}" is listed twice`, ['municipalId', 'documents']);
  const rules = id.pointRules.value;
  if (rules.minIdentityPoints + rules.minResidencyPoints > rules.minTotalPoints) {
    issue('minIdentityPoints + minResidencyPoints exceeds minTotalPoints', ['municipalId', 'pointRules', 'value']);
  }
  if (rules.minResidencyPoints > 0 && !id.documents.some((d) => d.value.residencyPoints > 0)) {
    issue('residency points are required but no document gives any', ['municipalId', 'documents']);
  }
}

function checkHolidays(p: ProfileShape, issue: IssueSink): void {
  const rules = p.holidays.rules;
  const ids = rules.map((r) => r.value.id);
  for (const d of findDuplicates(ids)) issue(`holiday "${d}" is listed twice`, ['holidays', 'rules']);
  rules.forEach((r, i) => {
    const h = r.value;
    if (h.rule.kind === 'after-holiday') {
      const targetId = h.rule.holiday;
      const target = rules.find((o) => o.value.id === targetId);
      if (!target) issue(`refers to unknown holiday "${targetId}"`, ['holidays', 'rules', i, 'value', 'rule', 'holiday']);
      else if (target.value.rule.kind === 'after-holiday') issue('may not refer to another relative holiday', ['holidays', 'rules', i, 'value', 'rule', 'holiday']);
    }
    if (h.sinceYear !== undefined && h.untilYear !== undefined && h.untilYear < h.sinceYear) {
      issue('untilYear is before sinceYear', ['holidays', 'rules', i, 'value', 'untilYear']);
    }
  });
  const used = new Set(rules.flatMap((r) => r.value.calendars));
  if (!used.has(p.holidays.defaultCalendar.value)) {
    issue(`no holiday belongs to the default calendar "${p.holidays.defaultCalendar.value}"`, ['holidays', 'defaultCalendar', 'value']);
  }
}

function checkPoverty(p: ProfileShape, issue: IssueSink): void {
  const years = p.povertyGuidelines.years;
  for (const d of findDuplicates(years.map((y) => String(y.year)))) issue(`year ${d} is listed twice`, ['povertyGuidelines', 'years']);
  if (!years.some((y) => y.year === p.povertyGuidelines.defaultYear.value)) {
    issue(`default year ${p.povertyGuidelines.defaultYear.value} has no table`, ['povertyGuidelines', 'defaultYear', 'value']);
  }
  years.forEach((y, yi) => {
    y.bySize.forEach((amount, i) => {
      const prev = y.bySize[i - 1];
      if (prev && amount.value <= prev.value) issue('amounts must grow with household size', ['povertyGuidelines', 'years', yi, 'bySize', i, 'value']);
    });
  });
}

function checkClocksAndMisc(p: ProfileShape, issue: IssueSink): void {
  const c = p.clocks;
  if ((c.uVisaCertificationStateMaximum === undefined) !== (c.uVisaCertificationStateMaximumExpedited === undefined)) {
    issue('give both state maximum U-visa clocks or neither', ['clocks']);
  }
  const daca = p.clinics.dacaRenewalWindowDaysBeforeExpiry.value;
  if (daca.earliest <= daca.latest) issue('earliest must be more days before expiry than latest', ['clinics', 'dacaRenewalWindowDaysBeforeExpiry', 'value']);
  for (const key of ['cityMinimumWage', 'stateMinimumWage'] as const) {
    const dates = p.labor[key].map((s) => `${s.value.effectiveDate}/${s.value.employerSize}`);
    for (const d of findDuplicates(dates)) issue(`minimum-wage step ${d} is listed twice`, ['labor', key]);
  }
}

/**
 * The full profile schema: shape plus cross-field rules. Parse with `safeParse` and report every issue;
 * `jurisdiction.ts` does that for you. Cross-field rules only run once the shape is valid (they need
 * well-formed data); their issues carry `params.crossField = true`.
 */
export const jurisdictionProfileSchema = jurisdictionProfileShape.superRefine((p, ctx) => {
  const issue: IssueSink = (message, path) => ctx.addIssue({ code: 'custom', message, path, params: { crossField: true } });
  checkLocale(p, issue);
  checkMunicipalId(p, issue);
  checkHolidays(p, issue);
  checkPoverty(p, issue);
  checkClocksAndMisc(p, issue);
});

/** A validated profile. */
export type JurisdictionProfile = z.output<typeof jurisdictionProfileSchema>;
/** What a profile file is written as (before validation). */
export type JurisdictionProfileInput = z.input<typeof jurisdictionProfileSchema>;
