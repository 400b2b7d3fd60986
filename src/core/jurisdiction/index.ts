/**
 * Jurisdiction profiles: the facts of a place (languages, fees, clocks, holidays, poverty guidelines, …),
 * each with its source. See docs/jurisdiction.md.
 */
export {
  JurisdictionError,
  fiscalYear,
  fiscalYearOf,
  holidayDates,
  holidaysFor,
  isBusinessDay,
  isHoliday,
  knownJurisdictionIds,
  listJurisdictions,
  loadJurisdiction,
  localDate,
  offeredLanguageCodes,
  parseJurisdiction,
  povertyGuideline,
  validateJurisdiction,
} from './jurisdiction.ts';
export type {
  FiscalYear,
  HolidayDate,
  HolidayOptions,
  Jurisdiction,
  JurisdictionIssue,
  JurisdictionSummary,
  PovertyGuidelineOptions,
} from './jurisdiction.ts';
export { HOLIDAY_CALENDARS, PROFILE_SCHEMA_VERSION, jurisdictionProfileSchema, sourced } from './profile.schema.ts';
export type {
  ClockName,
  ClockOffset,
  ClockRule,
  GeoFile,
  Holiday,
  HolidayCalendar,
  HolidayDateRule,
  IdDocument,
  IdPointRules,
  IdVariant,
  JurisdictionProfile,
  JurisdictionProfileInput,
  Language,
  PovertyGuidelineYear,
  RetentionRule,
  Sourced,
} from './profile.schema.ts';
export { collectFacts, fact, isSourced, listUnverified, unverified, valueOf } from './sourced.ts';
export type { FactAtPath } from './sourced.ts';
