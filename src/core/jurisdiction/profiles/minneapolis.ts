/**
 * Minneapolis, Minnesota: the first jurisdiction profile.
 *
 * Every value cites its source; `unverified(...)` marks what the research could not confirm or what we
 * chose ourselves. `reference/` means the founding team's researched rules (immigration-rules.md, minneapolis-law.md, …). Before
 * a value is shown to residents as current law, re-check it against the live official source
 * (revisor.mn.gov, library.municode.com, lims.minneapolismn.gov).
 */
import type { ClockRule, Holiday, IdDocument, JurisdictionProfileInput } from '../profile.schema.ts';
import { fact, unverified } from '../sourced.ts';
import { federalImmigrationClocks, povertyGuidelinesContiguousUs, uscisClinicFacts, uscisIncomeRules } from './us-federal.ts';

const LAW = 'reference/minneapolis-law.md';
const IMM = 'reference/immigration-rules.md';
const GEO = 'reference/credentials-geodata.md';
const SEC = 'reference/security-reliability.md';
const ANCHORS = 'reference/anchors-software.md';
const IDNYC = `IDNYC document rules (nycidcard.com/documents-needed; beaconbulletin.com; documentedny.com); ${LAW} §3.3`;
const IDNYC_ADOPTED = 'IDNYC value adopted as the Minneapolis default: Minneapolis has published no point table, so the City Clerk must adopt or change it.';

// Holidays are not covered by reference/; the rules below come from the statutes as commonly published
// and are all flagged for checking.
const HOLIDAY_SOURCES =
  'Federal: 5 U.S.C. §6103(a), observance per §6103(b) and Executive Order 11582. Minnesota: Minn. Stat. §645.44 subd. 5. City: assumed to follow the state list (not in reference/).';
const HOLIDAY_NOTE = 'Not in reference/: confirm against the statutes and the City of Minneapolis employee holiday schedule.';

function holiday(value: Holiday, note: string = HOLIDAY_NOTE) {
  return unverified(value, HOLIDAY_SOURCES, note);
}

const ALL: Holiday['calendars'] = ['federal', 'state', 'city'];

function idDocument(value: IdDocument, source: string, note?: string, isVerified = true) {
  return isVerified ? fact(value, source, note) : unverified(value, source, note);
}

const cityClock = (value: ClockRule, source: string, note?: string) => fact(value, source, note);

export const minneapolisProfile = {
  schemaVersion: 1,
  id: 'minneapolis',
  version: '2026.1',
  isTestProfile: false,
  description: 'City of Minneapolis, Minnesota: the Minneapolis Sanctuary Platform (MIRAc, 2017).',

  place: {
    cityName: fact('Minneapolis', 'PLATFORM.md'),
    displayName: fact('City of Minneapolis', `${LAW} §1.1 (city publications)`),
    state: fact({ code: 'MN', name: 'Minnesota' }, `${LAW} §0`),
    county: fact('Hennepin County', `${LAW} §1.2`),
    country: fact('US', `${LAW} §0`),
  },

  locale: {
    languages: fact(
      [
        { code: 'en', nativeName: 'English', englishName: 'English', direction: 'ltr' },
        { code: 'es', nativeName: 'Español', englishName: 'Spanish', direction: 'ltr' },
        { code: 'so', nativeName: 'Soomaali', englishName: 'Somali', direction: 'ltr' },
        { code: 'hmn', nativeName: 'Hmoob', englishName: 'Hmong', direction: 'ltr' },
      ],
      `DESIGN.md §3 rule 10 (English, Spanish, Somali and Hmong from day one); all four are among the city's required-notice languages (${LAW} §4.2)`,
    ),
    defaultLanguage: fact('en', 'DESIGN.md §3 rule 10'),
    timezone: fact('America/Chicago', 'IANA time zone database: Minnesota keeps U.S. Central Time'),
    currency: fact('USD', 'United States'),
  },

  geography: {
    cityBoundary: fact(
      { path: 'geodata/minneapolis/minneapolis-city-boundary.geojson', format: 'geojson' },
      `GitHub striblab/2017-election-guide data/minneapolis-city.geo.json (commit c83cfb654a708c0aab114a446e91ef6d03391183), from City of Minneapolis open data (union of council wards); ${GEO} §4.1 (B)`,
      'Matches the union of the precincts on ~99.8% of random points; differences lie on the river and city edges. Prefer regenerating from the official city layer.',
    ),
    precincts: fact(
      { path: 'geodata/minneapolis/minneapolis-precincts.geojson', format: 'geojson', properties: { name: 'name', ward: 'ward', precinct: 'precinct' } },
      `Minnesota Secretary of State CD5 precinct boundaries (2024 cycle), mirrored in GitHub mbs4816-create/MNElectionData 2024_Results/mn-cd5-precincts.kml (commit c7e9f3888d9a6e53c0e002d022361a0f4011ef38); ${GEO} §4.1 (A)`,
      'Licence of the SOS files is UNVERIFIED (public government data). Border addresses go to staff review, never auto-decided.',
    ),
    wardCount: fact(13, `2022 ward plan approved by the Charter Commission on 2022-03-02 (minneapolismn.gov/government/programs-initiatives/redistricting); ${GEO} §4.3`),
  },

  municipalId: {
    programStatus: unverified(
      'adopted-not-launched',
      `Council approval Dec 2018 (fox9.com; kstp.com); pending a data-practices exemption (tcbmag.com); ${LAW} §3.1`,
      'Launch is UNVERIFIED ("apparently never"); the city FAQ still says "would". Exact Dec 2018 vote date UNVERIFIED.',
    ),
    administeringOffice: fact('City Clerk', `kstp.com/news/minneapolis-advances-plan-for-municipal-id-cards; ${LAW} §3.1`),
    minimumAge: fact(13, `kstp.com (2018 design parameters); ${LAW} §3.1`, 'A July 2018 draft said 14+ (mprnews.org).'),
    residencyDays: fact(30, `kstp.com (2018 design parameters); ${LAW} §3.1`),
    validityYears: fact(4, `kstp.com (2018 design parameters); ${LAW} §3.1`, 'Planned, not yet in effect.'),
    variants: [
      unverified(
        { id: 'youth', label: 'Youth (13–17)', minAge: 13, maxAge: 17, validityYears: 4, feeCents: 500, replacementFeeCents: 500 },
        `Estimate modelled on SF City ID ($5 children/seniors) and Chicago CityKey ($5 ages 18 and under); ${LAW} §3.2`,
        'Minneapolis set no fee. Our estimate; the council must set it.',
      ),
      unverified(
        { id: 'adult', label: 'Adult (18–64)', minAge: 18, maxAge: 64, validityYears: 4, feeCents: 1000, replacementFeeCents: 1000 },
        `Estimate modelled on Chicago CityKey ($10 ages 19–64), IDNYC ($10 replacement), Northfield ($15); ${LAW} §3.2`,
        'Minneapolis set no fee. Our estimate; the council must set it.',
      ),
      unverified(
        { id: 'senior', label: 'Senior (65+)', minAge: 65, maxAge: null, validityYears: 4, feeCents: 0, replacementFeeCents: 500 },
        `Estimate modelled on Chicago CityKey (free at 65+); ${LAW} §3.2`,
        'CityKey cards for 65+ never expire; we keep the planned 4-year term. Our estimate.',
      ),
    ],
    feeWaivers: unverified(
      [
        { id: 'low-income', label: 'Low household income' },
        { id: 'homeless', label: 'Experiencing homelessness' },
        { id: 'domestic-violence-survivor', label: 'Survivor of domestic violence' },
        { id: 're-entry', label: 'Returning from incarceration' },
        { id: 'veteran', label: 'Veteran' },
      ],
      `Chicago CityKey waiver categories; ${LAW} §3.2`,
      'Borrowed from Chicago; Minneapolis set none.',
    ),
    feeWaiverMaxPercentFpg: unverified(150, 'Estimate: mirrors the USCIS fee-waiver ceiling (150% FPG)', 'Our estimate for the low-income waiver.'),
    careOfAddressAllowed: unverified(
      true,
      `IDNYC care-of address for homeless residents and DV survivors; Chicago CityKey needs no home address; ${GEO} §3.2`,
      'Borrowed from IDNYC/CityKey.',
    ),
    pointRules: fact(
      {
        minTotalPoints: 4,
        minIdentityPoints: 3,
        minResidencyPoints: 1,
        requirePhotoDocument: true,
        photoExemptMaxAgeWithCaretaker: 21,
        requireDateOfBirthDocument: true,
        expiredPassportGraceYears: 3,
        originalsOrCertifiedCopiesOnly: true,
      },
      IDNYC,
      IDNYC_ADOPTED,
    ),
    documents: [
      idDocument({ id: 'foreign-passport', label: 'Foreign passport, machine-readable, unexpired', identityPoints: 3, residencyPoints: 0, hasPhoto: true, showsDateOfBirth: true }, `311 article KA-03110; ${IDNYC}`, IDNYC_ADOPTED),
      idDocument({ id: 'foreign-passport-expired', label: 'Foreign passport, machine-readable, expired within the last 3 years', identityPoints: 2, residencyPoints: 0, hasPhoto: true, showsDateOfBirth: true }, `311 article KA-03110; ${IDNYC}`, IDNYC_ADOPTED),
      idDocument({ id: 'foreign-passport-non-machine-readable', label: 'Foreign passport, not machine-readable', identityPoints: 2, residencyPoints: 0, hasPhoto: true, showsDateOfBirth: true }, `311 article KA-03110; ${IDNYC}`, IDNYC_ADOPTED),
      idDocument({ id: 'us-passport', label: 'U.S. passport', identityPoints: 3, residencyPoints: 0, hasPhoto: true, showsDateOfBirth: true }, `crainsnewyork.com (2014) on IDNYC points; ${ANCHORS} §7.1`, IDNYC_ADOPTED),
      idDocument({ id: 'us-birth-certificate', label: 'U.S. birth certificate', identityPoints: 2, residencyPoints: 0, hasPhoto: false, showsDateOfBirth: true }, `crainsnewyork.com (2014) on IDNYC points; ${ANCHORS} §7.1`, IDNYC_ADOPTED),
      idDocument({ id: 'itin-letter', label: 'IRS ITIN assignment letter', identityPoints: 2, residencyPoints: 0, hasPhoto: false, showsDateOfBirth: false }, `beaconbulletin.com; ${IDNYC}`, IDNYC_ADOPTED),
      idDocument({ id: 'benefits-card-no-photo', label: 'State benefits card without photo (e.g. EBT)', identityPoints: 1, residencyPoints: 0, hasPhoto: false, showsDateOfBirth: false }, `beaconbulletin.com ("NYS benefits card without photo"); ${IDNYC}`, `${IDNYC_ADOPTED} Generalised from the New York card.`),
      idDocument({ id: 'child-birth-certificate', label: "Child's U.S. birth certificate naming the applicant as parent", identityPoints: 1, residencyPoints: 0, hasPhoto: false, showsDateOfBirth: false }, `beaconbulletin.com; ${IDNYC}`, IDNYC_ADOPTED),
      idDocument({ id: 'marriage-or-partnership-certificate', label: 'Marriage, domestic-partnership, civil-union or divorce certificate', identityPoints: 1, residencyPoints: 0, hasPhoto: false, showsDateOfBirth: false }, `beaconbulletin.com; ${IDNYC}`, IDNYC_ADOPTED),
      idDocument({ id: 'consular-id', label: 'Consular identification card (e.g. matrícula consular)', identityPoints: 3, residencyPoints: 0, hasPhoto: true, showsDateOfBirth: true }, `Listed as an identity document in NYC Admin. Code §3-115(d)(1) (Int. 790-B), points not retrieved; ${LAW} §3.3`, 'Our estimate of the points (same as a foreign passport).', false),
      idDocument({ id: 'foreign-national-id', label: 'Foreign national identity card with photo', identityPoints: 2, residencyPoints: 0, hasPhoto: true, showsDateOfBirth: true }, `Listed in NYC Admin. Code §3-115(d)(1), points not retrieved; ${LAW} §3.3`, 'Our estimate of the points.', false),
      idDocument({ id: 'minnesota-license-or-id-with-city-address', label: 'Minnesota driver license or state ID showing a Minneapolis address', identityPoints: 3, residencyPoints: 1, hasPhoto: true, showsDateOfBirth: true }, `IDNYC: NYS license/ID with an NYC address is sufficient alone (nycidcard.com); ${LAW} §3.3`, 'Adapted to Minnesota: 3 identity + 1 residency = sufficient alone. Our estimate.', false),
      idDocument({ id: 'utility-bill', label: 'Utility bill (last 60 days)', identityPoints: 0, residencyPoints: 1, hasPhoto: false, showsDateOfBirth: false }, `IDNYC residency-document points not retrieved; ${LAW} §3.3`, 'UNVERIFIED in the research; our estimate of 1 residency point.', false),
      idDocument({ id: 'residential-lease', label: 'Residential lease', identityPoints: 0, residencyPoints: 1, hasPhoto: false, showsDateOfBirth: false }, `IDNYC residency-document points not retrieved; ${LAW} §3.3`, 'UNVERIFIED in the research; our estimate of 1 residency point.', false),
      idDocument({ id: 'bank-statement', label: 'Bank or credit-union statement', identityPoints: 0, residencyPoints: 1, hasPhoto: false, showsDateOfBirth: false }, `IDNYC residency-document points not retrieved; advocates asked for bank statements (neweconomynyc.org, ${ANCHORS} §7.1)`, 'UNVERIFIED in the research; our estimate of 1 residency point.', false),
      idDocument({ id: 'pay-stub', label: 'Pay stub', identityPoints: 0, residencyPoints: 1, hasPhoto: false, showsDateOfBirth: false }, `IDNYC residency-document points not retrieved; advocates asked for pay stubs (neweconomynyc.org, ${ANCHORS} §7.1)`, 'UNVERIFIED in the research; our estimate of 1 residency point.', false),
      idDocument({ id: 'shelter-letter', label: 'Letter from a shelter or service provider confirming residence', identityPoints: 0, residencyPoints: 1, hasPhoto: false, showsDateOfBirth: false }, `SF City ID accepts a shelter letter (SF Admin. Code §95.2); ${LAW} §3.2`, 'Our estimate of 1 residency point.', false),
    ],
    retainSourceDocuments: fact(
      false,
      `DESIGN.md §3 rule 2; IDNYC no-retention policy (Dec 2016) and Castorina v. de Blasio (${LAW} §3.4); Chicago "review, but not collect, documents" (${SEC} §1.2)`,
    ),
    dataClassifiedNonPublicByStatute: unverified(
      false,
      `HF 2374 (2019) would have made municipal-ID data non-public; enactment not found (${LAW} §2.3)`,
      'Assume card data falls under the MGDPA presumption of public data until counsel confirms; the application form must say so.',
    ),
  },

  clockConventions: {
    statuteDaysAreCalendarDays: unverified(
      true,
      `${IMM} §1.5 ("Days" = calendar days; Minnesota general day-counting rules not checked)`,
      'Counting calendar days gives the earlier, safer due date.',
    ),
  },

  clocks: {
    ...federalImmigrationClocks,
    uVisaCertification: cityClock(
      { amount: 30, unit: 'days', startsAt: 'certification request received by the city certifying agency', dueOnNonBusinessDay: 'keep', calendar: 'city', kind: 'legal-deadline', goodCauseReasons: ['offsite-records', 'other-good-cause'] },
      `Minneapolis U/T-visa certification ordinance, 15 Dec 2017 (aapress.com/2017/12/city-council-passes-ordinance-setting-out-process-to-obtain-visas-...); ${IMM} §0, §1.5`,
      'Applies to U (I-918 Supp. B) and T (I-914 Supp. B). "Or as soon as reasonably possible" when delayed for off-site records or other good cause: record the reason. Code section number UNVERIFIED.',
    ),
    uVisaCertificationExpedited: cityClock(
      { amount: 7, unit: 'days', startsAt: 'certification request received, when the victim or a family member is in removal proceedings', dueOnNonBusinessDay: 'keep', calendar: 'city', kind: 'legal-deadline', goodCauseReasons: ['offsite-records', 'other-good-cause'] },
      `Minneapolis U/T-visa certification ordinance, 15 Dec 2017 (aapress.com press release); ${IMM} §0, §1.5; PLATFORM.md demand 6 (7-day maximum)`,
      'Stricter than the state 14 days, so it governs city agencies. A good-cause delay (off-site records, other good cause) is recorded and reported; it cannot pass the state maximum, which has no such exception.',
    ),
    uVisaCertificationStateMaximum: fact<ClockRule>(
      { amount: 90, unit: 'days', startsAt: 'certification request received', dueOnNonBusinessDay: 'keep', calendar: 'state', kind: 'legal-deadline' },
      `Minn. Stat. §611A.95 subd. 2(b) (lawserver.com copy of the statute); ${IMM} §1.5; ${LAW} §9.1`,
      'Days counted as calendar days: see clockConventions.',
    ),
    uVisaCertificationStateMaximumExpedited: fact<ClockRule>(
      { amount: 14, unit: 'days', startsAt: 'certification request received, victim in removal proceedings, expedite requested with the request', dueOnNonBusinessDay: 'keep', calendar: 'state', kind: 'legal-deadline' },
      `Minn. Stat. §611A.95 subd. 2(b) (lawserver.com copy of the statute); ${IMM} §1.5`,
      'The expedite must be "affirmatively raised at the time of the request": capture it at intake.',
    ),
    legalDefenseProviderAccept: unverified<ClockRule>(
      { amount: 4, unit: 'hours', startsAt: 'referral sent to a legal-services provider', dueOnNonBusinessDay: 'keep', calendar: 'city', kind: 'service-level' },
      'Our estimate (no source): detention cases move within hours',
      'Service level to agree with the city and providers. The clock runs around the clock.',
    ),
    legalDefenseFirstAttorneyContact: unverified<ClockRule>(
      { amount: 24, unit: 'hours', startsAt: 'detention report received at intake', dueOnNonBusinessDay: 'keep', calendar: 'city', kind: 'service-level' },
      `Our estimate; "date detained → date referred → first attorney contact" is the metric providers report (${ANCHORS} §3.5)`,
      'Service level to agree with the city and providers.',
    ),
    outsideDemandSubjectNotice: unverified<ClockRule>(
      { amount: 3, unit: 'days', startsAt: 'outside demand for a person\'s data registered', dueOnNonBusinessDay: 'keep', calendar: 'city', kind: 'service-level' },
      `Model: N.Y. Vehicle & Traffic Law §201(12)(a) (notify within three days); ${SEC} §1.2, §3.8 (R16)`,
      'No Minneapolis rule found; borrowed from New York. Not sent when a court order forbids notice.',
    ),
    separationRequestReport: unverified<ClockRule>(
      { amount: 5, unit: 'business-days', startsAt: 'staff observe or refuse a request to use city resources for immigration enforcement', dueOnNonBusinessDay: 'keep', calendar: 'city', kind: 'service-level' },
      `Model: Mounds View draft ordinance Sec. 2-158 (miweblink.metro-inet.us); the Dec 2025 Minneapolis amendments require reporting but no deadline was found; ${LAW} §1.1`,
      'Borrowed from a draft ordinance of another city.',
    ),
    dataSubjectAccessResponse: unverified<ClockRule>(
      { amount: 10, unit: 'business-days', startsAt: "data subject's request to see their data received", dueOnNonBusinessDay: 'keep', calendar: 'state', kind: 'legal-deadline' },
      'Minn. Stat. §13.04 subd. 3 (not in reference/)',
      'Responses are due immediately if possible, else within 10 days excluding weekends and legal holidays. Check the statute text.',
    ),
    tenantRetaliationPresumption: fact<ClockRule>(
      { amount: 90, unit: 'days', startsAt: "tenant's good-faith complaint", dueOnNonBusinessDay: 'keep', calendar: 'state', kind: 'legal-deadline' },
      `Minn. Stat. §504B.285 subd. 2 / §504B.441 (ipropertymanagement.com; ramlawmn.com, secondary); ${LAW} §0, §5.2`,
      'Within this window the landlord must prove an adverse action was not retaliatory.',
    ),
    humanRightsChargeFiling: fact<ClockRule>(
      { amount: 1, unit: 'years', startsAt: 'discriminatory act', dueOnNonBusinessDay: 'keep', calendar: 'state', kind: 'legal-deadline' },
      `Minnesota Department of Human Rights (mn.gov/mdhr/yourrights/housing.html); ${LAW} §5.3`,
      'The Minnesota Human Rights Act covers national origin, not immigration status.',
    ),
  },

  holidays: {
    defaultCalendar: fact('city', "Design choice: the city's own closures decide its business days; each clock names the calendar it counts with"),
    rules: [
      holiday({ id: 'new-years-day', name: "New Year's Day", calendars: ALL, rule: { kind: 'fixed', month: 1, day: 1 }, observance: 'weekend-to-nearest-weekday' }),
      holiday({ id: 'martin-luther-king-jr-day', name: 'Martin Luther King Jr. Day', calendars: ALL, rule: { kind: 'nth-weekday', month: 1, weekday: 1, nth: 3 }, observance: 'none' }),
      holiday({ id: 'presidents-day', name: "Washington's Birthday / Presidents' Day", calendars: ALL, rule: { kind: 'nth-weekday', month: 2, weekday: 1, nth: 3 }, observance: 'none' }),
      holiday({ id: 'memorial-day', name: 'Memorial Day', calendars: ALL, rule: { kind: 'nth-weekday', month: 5, weekday: 1, nth: -1 }, observance: 'none' }),
      holiday(
        { id: 'juneteenth', name: 'Juneteenth', calendars: ['state', 'city'], rule: { kind: 'fixed', month: 6, day: 19 }, observance: 'weekend-to-nearest-weekday', sinceYear: 2023 },
        `${HOLIDAY_NOTE} Minnesota holiday since 2023.`,
      ),
      holiday(
        { id: 'juneteenth-federal', name: 'Juneteenth (federal)', calendars: ['federal'], rule: { kind: 'fixed', month: 6, day: 19 }, observance: 'weekend-to-nearest-weekday', sinceYear: 2021 },
        `${HOLIDAY_NOTE} Federal holiday since 2021; a separate entry because the state added it two years later.`,
      ),
      holiday({ id: 'independence-day', name: 'Independence Day', calendars: ALL, rule: { kind: 'fixed', month: 7, day: 4 }, observance: 'weekend-to-nearest-weekday' }),
      holiday({ id: 'labor-day', name: 'Labor Day', calendars: ALL, rule: { kind: 'nth-weekday', month: 9, weekday: 1, nth: 1 }, observance: 'none' }),
      holiday(
        { id: 'columbus-day', name: "Columbus Day (Indigenous Peoples' Day in Minneapolis)", calendars: ['federal', 'state'], rule: { kind: 'nth-weekday', month: 10, weekday: 1, nth: 2 }, observance: 'none' },
        `${HOLIDAY_NOTE} Minneapolis renamed the day Indigenous Peoples' Day in 2014; whether city offices close is unknown, so it is left off the city calendar.`,
      ),
      holiday({ id: 'veterans-day', name: 'Veterans Day', calendars: ALL, rule: { kind: 'fixed', month: 11, day: 11 }, observance: 'weekend-to-nearest-weekday' }),
      holiday({ id: 'thanksgiving-day', name: 'Thanksgiving Day', calendars: ALL, rule: { kind: 'nth-weekday', month: 11, weekday: 4, nth: 4 }, observance: 'none' }),
      holiday(
        { id: 'day-after-thanksgiving', name: 'Day after Thanksgiving', calendars: ['city'], rule: { kind: 'after-holiday', holiday: 'thanksgiving-day', offsetDays: 1 }, observance: 'none' },
        `${HOLIDAY_NOTE} Assumed city employee holiday (common for Minnesota public employers).`,
      ),
      holiday({ id: 'christmas-day', name: 'Christmas Day', calendars: ALL, rule: { kind: 'fixed', month: 12, day: 25 }, observance: 'weekend-to-nearest-weekday' }),
    ],
  },

  povertyGuidelines: {
    region: fact('contiguous-us', 'HHS poverty guidelines: Minnesota is in the 48 contiguous states'),
    defaultYear: unverified(
      2025,
      `${IMM} §3.4 ("Do not ship 2026 numbers until copied from the FR notice")`,
      'The 2026 guidelines have applied since 2026-01-13 and are already in this profile, flagged. Switch to 2026 once the table is checked against FR Doc 2026-00755.',
    ),
    years: povertyGuidelinesContiguousUs,
  },

  incomeRules: {
    legalDefenseIncomeScreening: fact(
      false,
      `PLATFORM.md demand 1 (residents detained by ICE, no income condition); DESIGN.md §2 (universal representation); Vera SAFE Network (${ANCHORS} §3.5)`,
      'SAFE allows a financial test and NYIFUP used 200% FPG; the city may turn one on with legalDefenseMaxPercentFpg.',
    ),
    legalDefenseMaxPercentFpg: fact(null, 'Follows legalDefenseIncomeScreening = false'),
    legalDefenseMeritsScreening: fact(false, `Vera SAFE Network "merits-blind" universal representation (vera.org); ${IMM} §5; DESIGN.md §2`),
    ...uscisIncomeRules,
  },

  retention: {
    'municipal-id.source-document': fact(
      { maxDays: 0, startsAt: 'document shown to staff' },
      `DESIGN.md §3 rule 2 (verify, then discard); IDNYC and Vermont settlements (${SEC} §1.2, §3.1)`,
      'Only "document type X checked by staff Y on date Z" is kept.',
    ),
    'notify.message-recipient-data': unverified(
      { maxDays: 7, startsAt: 'message sent' },
      `Notify.gov keeps recipient data 7 days (${ANCHORS} §5.3)`,
      'Borrowed default.',
    ),
    'crypto.subject-key-backup': unverified(
      { maxDays: 7, startsAt: 'key backup taken' },
      `${SEC} §3.3 (key backups kept no longer than the shred window, "e.g. 7 days": design reasoning)`,
      'Crypto-shredding only reaches old backups if key backups expire first.',
    ),
  },

  budget: {
    fiscalYearStartMonth: unverified(
      1,
      'City of Minneapolis budget documents (the annual budget is adopted in December for the calendar year that follows); not in reference/',
      'Confirm against the City Charter and the Finance and Property Services department before relying on it.',
    ),
  },

  legalDefense: {
    residencyRequired: fact(true, 'PLATFORM.md demand 1 ("immigrants who are Minneapolis residents who are detained by ICE")'),
    knownProviders: fact(
      ['Mid-Minnesota Legal Aid', 'Immigrant Law Center of Minnesota', 'The Advocates for Human Rights', 'International Institute of Minnesota', 'Volunteer Lawyers Network'],
      `power1047.fm (2024 budget, secondary); ${LAW} §9.3`,
      'Seed list for the partner directory, not an exclusive roster.',
    ),
  },

  uVisa: {
    certifyingAgencies: fact(
      [
        { id: 'mpd', name: 'Minneapolis Police Department', certifies: 'U or T, when the crime was reported to or investigated by MPD', visaTypes: ['U', 'T'] },
        {
          id: 'city-attorney',
          name: "City Attorney's Office",
          certifies: 'U, for misdemeanor or gross-misdemeanor domestic assault, stalking or witness tampering',
          visaTypes: ['U'],
          crimes: ['domestic-violence', 'stalking', 'witness-tampering'],
        },
      ],
      `minneapolismn.gov/government/departments/attorney/u-visa-t-visa/certification-process; www2.minneapolismn.gov/attorney/WCMSP-211876; ${IMM} §1.5`,
      'The city names three certifying departments; the third (Civil Rights per the Star Tribune, 2017) is UNVERIFIED and left out.',
    ),
    expediteChannel: fact(
      'Email visa@minneapolismn.gov with the subject "(Your name) in removal proceedings. Please expedite." and attach proof such as the Notice to Appear.',
      `minneapolismn.gov certification-process page; ${IMM} §1.5; ${LAW} §9.1`,
    ),
    helpfulnessPresumption: unverified(
      'certify-unless-documented-reason',
      `PLATFORM.md demand 6 ("certify U visas for every eligible victim"); model: Cal. Penal Code §679.10 rebuttable presumption of helpfulness (SB 674, 2015); ${IMM} §1.5`,
      'Minn. Stat. §611A.95 was not found to contain a presumption (UNVERIFIED): this is the platform\'s default policy, for the city to confirm.',
    ),
  },

  clinics: uscisClinicFacts,

  labor: {
    cityMinimumWage: [
      fact({ effectiveDate: '2025-01-01', employerSize: 'all', hourlyCents: 1597 }, `hoodline.com 2024/08 (secondary, reporting a city announcement); ${LAW} §0, §4.1`),
      fact({ effectiveDate: '2026-01-01', employerSize: 'all', hourlyCents: 1637 }, `brightgram.com (secondary); ${LAW} §0, §4.1`, 'All employers regardless of size or worker age.'),
    ],
    stateMinimumWage: [
      fact({ effectiveDate: '2026-01-01', employerSize: 'all', hourlyCents: 1141 }, `localnewswave.com (secondary); ${LAW} §0`, 'A 90-day youth training wage of $9.31 also exists.'),
    ],
    sickTime: fact(
      { accrualHoursWorkedPerHour: 30, maxAccrualHoursPerYear: 48, maxBalanceHours: 80, paidLeaveMinEmployees: 6, coveredMinHoursPerYearInCity: 80 },
      `Minneapolis Sick and Safe Time, Code Title 2 Ch. 40 (takeactionminnesota.org; news.wolterskluwerlb.com; littler.com); ${LAW} §4.2`,
      'Employers with 5 or fewer employees give unpaid leave. Use may begin after 90 days.',
    ),
    noticeLanguages: fact(['en', 'es', 'so', 'vi', 'lo', 'hmn', 'zh', 'om', 'am'], `sicktimeinfo.minneapolismn.gov/employee-resources.html; ${LAW} §4.2`),
  },

  tenants: {
    securityDepositMaxMonthsRent: fact(1, `www2.minneapolismn.gov/government/departments/reg-services/renter-protections; ${LAW} §0, §5.1`),
    screeningLookbackYears: fact(
      { misdemeanor: 3, felony: 7, seriousFelony: 10, evictionJudgment: 3, evictionSettlement: 1 },
      `Minneapolis tenant screening ordinance, 13 Sep 2019 (startribune.com 560246252; minneapolismn.gov renter-protections); ${LAW} §5.1`,
      'Older records may not be considered under the inclusive criteria.',
    ),
    rentalLicenseInspectionCycleYears: fact({ 'tier-1': 8, 'tier-2': 5, 'tier-3': 1 }, `www2.minneapolismn.gov/business-services/licenses-permits-inspections/rental-licenses/tiering; ${LAW} §5.1`),
  },

  municipalVoting: {
    noncitizenVotingAllowedByLaw: fact(
      false,
      `Minn. Const. art. VII §1 (law.justia.com/constitution/minnesota/Article7.html); ${LAW} §6`,
      'Inference from the text ("at any election in this state"), not a court holding. The voting module stays off.',
    ),
  },

  privacyLaw: {
    name: fact('Minnesota Government Data Practices Act (Minn. Stat. ch. 13)', `${LAW} §2`),
    collectionNoticeRequired: fact(true, `Minn. Stat. §13.04 subd. 2 (mitchellhamline.edu); ${LAW} §2.2`, 'Purpose; whether the person may refuse; consequences; who else may receive the data.'),
    collectionNoticeName: fact('Tennessen warning', `${LAW} §2.2`),
    subjectAccessFree: fact(true, `Minn. Stat. §13.04 (mitchellhamline.edu); ${LAW} §2.2`, 'Inspection is free; copies at actual cost.'),
  },

  publication: {
    smallCellMax: fact(10, `DESIGN.md §3 rule 8; CMS cell-size suppression policy (resdac.org/node/1506); ${SEC} §3.7`),
  },

  office: {
    name: fact(
      'Office of Immigrant and Refugee Affairs (Neighborhood & Community Relations)',
      `minnpost.com/new-americans/2018/04; minneapolismn.gov/ncr/oira; ${LAW} §9.2`,
      'Created 2018. PLATFORM.md demand 13 asks for an "Office for Immigrant & Refugee Relationships".',
    ),
  },
} satisfies JurisdictionProfileInput;
