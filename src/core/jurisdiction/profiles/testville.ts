/**
 * TEST PROFILE — Testville is not a real place.
 *
 * It exists to prove that nothing about Minneapolis is hard-coded: it offers only English and Spanish
 * (Spanish by default), runs on Arizona time, has its own fees, ages, clocks, holidays, income rules and
 * optional sections left out. Every local value is fictional and flagged `unverified`; only the shared
 * federal facts are real. Never deploy it.
 */
import type { ClockRule, Holiday, JurisdictionProfileInput } from '../profile.schema.ts';
import { unverified } from '../sourced.ts';
import { federalImmigrationClocks, povertyGuidelinesContiguousUs, uscisClinicFacts, uscisIncomeRules } from './us-federal.ts';

const FICTION = 'Fictional test value: Testville is not a real place';

function t<T>(value: T, note?: string) {
  return unverified(value, FICTION, note);
}

function localClock(value: ClockRule) {
  return t(value);
}

function holiday(value: Holiday) {
  return t(value);
}

export const testvilleProfile = {
  schemaVersion: 1,
  id: 'testville',
  version: '2026.1',
  isTestProfile: true,
  description: 'TEST PROFILE (fictional): proves that no jurisdiction fact is hard-coded. Never deploy.',

  place: {
    cityName: t('Testville'),
    displayName: t('City of Testville'),
    state: t({ code: 'ZZ', name: 'Test State' }),
    county: t('Example County'),
    country: t('US'),
  },

  locale: {
    languages: t([
      { code: 'en', nativeName: 'English', englishName: 'English', direction: 'ltr' },
      { code: 'es', nativeName: 'Español', englishName: 'Spanish', direction: 'ltr' },
    ]),
    defaultLanguage: t('es', 'A non-English default, so code that assumes "en" fails its tests.'),
    timezone: t('America/Phoenix', 'No daylight-saving time, unlike Minneapolis.'),
    currency: t('USD'),
  },

  geography: {
    cityBoundary: t({ path: 'geodata/testville/testville-city-boundary.geojson', format: 'geojson' }, 'The file does not exist: tests must not read it.'),
  },

  municipalId: {
    programStatus: t('issuing'),
    administeringOffice: t('Testville Records Office'),
    minimumAge: t(10),
    residencyDays: t(15),
    validityYears: t(5),
    variants: [
      t({ id: 'child', label: 'Child (10–15)', minAge: 10, maxAge: 15, validityYears: 2, feeCents: 0, replacementFeeCents: 300 }),
      t({ id: 'adult', label: 'Adult (16+)', minAge: 16, maxAge: null, validityYears: 5, feeCents: 2500, replacementFeeCents: 1500 }),
    ],
    feeWaivers: t([{ id: 'low-income', label: 'Low household income' }]),
    feeWaiverMaxPercentFpg: t(200),
    careOfAddressAllowed: t(false),
    pointRules: t({
      minTotalPoints: 3,
      minIdentityPoints: 2,
      minResidencyPoints: 1,
      requirePhotoDocument: true,
      photoExemptMaxAgeWithCaretaker: null,
      requireDateOfBirthDocument: false,
      expiredPassportGraceYears: 0,
      originalsOrCertifiedCopiesOnly: false,
    }),
    documents: [
      t({ id: 'passport', label: 'Passport', identityPoints: 2, residencyPoints: 0, hasPhoto: true, showsDateOfBirth: true }),
      t({ id: 'library-card', label: 'Testville library card', identityPoints: 1, residencyPoints: 1, hasPhoto: false, showsDateOfBirth: false }),
      t({ id: 'water-bill', label: 'Water bill', identityPoints: 0, residencyPoints: 2, hasPhoto: false, showsDateOfBirth: false }),
    ],
    retainSourceDocuments: t(false),
    dataClassifiedNonPublicByStatute: t(true),
  },

  clockConventions: {
    statuteDaysAreCalendarDays: t(false),
  },

  clocks: {
    ...federalImmigrationClocks,
    // Unlike Minneapolis, Testville's rules pause while the requester is asked for more information.
    uVisaCertification: localClock({ amount: 45, unit: 'business-days', startsAt: 'request received', dueOnNonBusinessDay: 'next-business-day', calendar: 'city', kind: 'legal-deadline', pauseReasons: ['awaiting-requester'], goodCauseReasons: ['offsite-records'] }),
    uVisaCertificationExpedited: localClock({ amount: 10, unit: 'business-days', startsAt: 'request received, person in removal proceedings', dueOnNonBusinessDay: 'next-business-day', calendar: 'city', kind: 'legal-deadline', pauseReasons: ['awaiting-requester'] }),
    legalDefenseProviderAccept: localClock({ amount: 2, unit: 'hours', startsAt: 'referral sent', dueOnNonBusinessDay: 'keep', calendar: 'city', kind: 'service-level', businessHours: { start: '09:00', end: '17:00' } }),
    // Two escalation steps (Minneapolis uses the engine's default, one: a supervisor at the due time).
    legalDefenseFirstAttorneyContact: localClock({
      amount: 12,
      unit: 'hours',
      startsAt: 'intake',
      dueOnNonBusinessDay: 'keep',
      calendar: 'city',
      kind: 'service-level',
      escalations: [
        { after: { amount: 0, unit: 'hours' }, to: 'supervisor' },
        { after: { amount: 2, unit: 'hours' }, to: 'program-lead' },
      ],
    }),
    outsideDemandSubjectNotice: localClock({ amount: 5, unit: 'business-days', startsAt: 'demand registered', dueOnNonBusinessDay: 'keep', calendar: 'state', kind: 'service-level' }),
  },

  holidays: {
    defaultCalendar: t('city'),
    rules: [
      holiday({ id: 'new-years-day', name: "New Year's Day", calendars: ['federal', 'state', 'city'], rule: { kind: 'fixed', month: 1, day: 1 }, observance: 'sunday-to-monday' }),
      holiday({ id: 'statehood-day', name: 'Statehood Day', calendars: ['state', 'city'], rule: { kind: 'fixed', month: 3, day: 3 }, observance: 'none' }),
      holiday({ id: 'independence-day', name: 'Independence Day', calendars: ['federal', 'state', 'city'], rule: { kind: 'fixed', month: 7, day: 4 }, observance: 'sunday-to-monday' }),
      holiday({ id: 'founders-day', name: 'Founders Day', calendars: ['city'], rule: { kind: 'nth-weekday', month: 8, weekday: 5, nth: 2 }, observance: 'none', sinceYear: 2020 }),
      holiday({ id: 'thanksgiving-day', name: 'Thanksgiving Day', calendars: ['federal', 'state', 'city'], rule: { kind: 'nth-weekday', month: 11, weekday: 4, nth: 4 }, observance: 'none' }),
      holiday({ id: 'christmas-day', name: 'Christmas Day', calendars: ['federal', 'state', 'city'], rule: { kind: 'fixed', month: 12, day: 25 }, observance: 'sunday-to-monday' }),
    ],
  },

  povertyGuidelines: {
    region: t('contiguous-us'),
    defaultYear: t(2024, 'A different default year from Minneapolis.'),
    years: povertyGuidelinesContiguousUs,
  },

  incomeRules: {
    legalDefenseIncomeScreening: t(true),
    legalDefenseMaxPercentFpg: t(200),
    legalDefenseMeritsScreening: t(false),
    ...uscisIncomeRules,
  },

  retention: {
    'municipal-id.source-document': t({ maxDays: 0, startsAt: 'document shown to staff' }),
    'notify.message-recipient-data': t({ maxDays: 3, startsAt: 'message sent' }),
  },

  budget: {
    fiscalYearStartMonth: t(7),
  },
  legalDefense: {
    residencyRequired: t(false),
    knownProviders: t(['Testville Legal Aid']),
  },

  uVisa: {
    certifyingAgencies: t([
      { id: 'testville-police', name: 'Testville Police Department', certifies: 'U and T', visaTypes: ['U', 'T'] },
      { id: 'testville-prosecutor', name: 'Testville Prosecutor', certifies: 'U, for stalking', visaTypes: ['U'], crimes: ['stalking'] },
    ]),
    expediteChannel: t('Call the Testville records desk.'),
    helpfulnessPresumption: t('none', 'Fictional: lets tests exercise an explicit helpfulness assessment.'),
  },

  clinics: uscisClinicFacts,

  labor: {
    cityMinimumWage: [t({ effectiveDate: '2026-01-01', employerSize: 'large', hourlyCents: 1800 }), t({ effectiveDate: '2026-01-01', employerSize: 'small', hourlyCents: 1700 })],
    stateMinimumWage: [t({ effectiveDate: '2026-01-01', employerSize: 'all', hourlyCents: 1200 })],
    sickTime: t({ accrualHoursWorkedPerHour: 40, maxAccrualHoursPerYear: 40, maxBalanceHours: 60, paidLeaveMinEmployees: 10, coveredMinHoursPerYearInCity: 100 }),
    noticeLanguages: t(['en', 'es']),
  },

  tenants: {
    securityDepositMaxMonthsRent: t(2),
  },

  municipalVoting: {
    noncitizenVotingAllowedByLaw: t(true, 'Fictional: lets tests exercise the voting module switched on.'),
  },

  privacyLaw: {
    name: t('Test State Open Records Act'),
    collectionNoticeRequired: t(false),
    collectionNoticeName: t('privacy notice'),
    subjectAccessFree: t(false),
  },

  publication: {
    smallCellMax: t(5),
  },

  office: {
    name: t('Testville Office of New Neighbors'),
  },
} satisfies JurisdictionProfileInput;
