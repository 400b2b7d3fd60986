import { describe, expect, it } from 'vitest';
import {
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
import { minneapolisProfile } from './profiles/minneapolis.ts';

const mpls = loadJurisdiction('minneapolis');
const testville = loadJurisdiction('testville');

describe('loadJurisdiction', () => {
  it('loads and validates both shipped profiles', () => {
    expect(mpls.id).toBe('minneapolis');
    expect(mpls.version).toMatch(/^\d{4}\.\d+$/);
    expect(mpls.schemaVersion).toBe(1);
    expect(testville.isTestProfile).toBe(true);
    expect(mpls.isTestProfile).toBe(false);
  });

  it('returns the same frozen object every time', () => {
    expect(loadJurisdiction('minneapolis')).toBe(mpls);
    expect(Object.isFrozen(mpls)).toBe(true);
    expect(Object.isFrozen(mpls.clocks.uVisaCertification.value)).toBe(true);
    expect(() => {
      (mpls.locale.timezone as { value: string }).value = 'UTC';
    }).toThrow(TypeError);
  });

  it('refuses an unknown id and lists the known ones', () => {
    expect(() => loadJurisdiction('gotham')).toThrow(JurisdictionError);
    expect(() => loadJurisdiction('gotham')).toThrow(/Unknown jurisdiction "gotham"\. Known jurisdictions: minneapolis, testville\./);
    // Inherited object keys must not count as profiles.
    expect(() => loadJurisdiction('toString')).toThrow(/Unknown jurisdiction/);
  });

  it('lists every profile with a summary', () => {
    expect(knownJurisdictionIds()).toEqual(['minneapolis', 'testville']);
    expect(listJurisdictions()).toEqual([
      { id: 'minneapolis', version: mpls.version, displayName: 'City of Minneapolis', isTestProfile: false },
      { id: 'testville', version: testville.version, displayName: 'City of Testville', isTestProfile: true },
    ]);
  });
});

describe('parseJurisdiction', () => {
  type Key = string | number;

  /** Sets a value deep inside a cloned profile; the test data is deliberately wrong, so it is untyped. */
  function setAt(root: unknown, path: readonly Key[], value: unknown): void {
    let node = root as Record<Key, unknown>;
    for (const key of path.slice(0, -1)) node = node[key] as Record<Key, unknown>;
    node[path[path.length - 1] as Key] = value;
  }

  const dayAfterThanksgiving = minneapolisProfile.holidays.rules.findIndex((r) => r.value.id === 'day-after-thanksgiving');

  function withCrossFieldErrors(): unknown {
    const p: unknown = structuredClone(minneapolisProfile);
    setAt(p, ['locale', 'defaultLanguage', 'value'], 'fr');
    setAt(p, ['municipalId', 'variants', 1, 'value', 'minAge'], 19);
    setAt(p, ['holidays', 'rules', dayAfterThanksgiving, 'value', 'rule', 'holiday'], 'no-such-holiday');
    setAt(p, ['povertyGuidelines', 'defaultYear', 'value'], 1999);
    return p;
  }

  function brokenMinneapolis(): unknown {
    const p = withCrossFieldErrors();
    setAt(p, ['locale', 'timezone', 'value'], 'America/Chicagoo');
    setAt(p, ['municipalId', 'minimumAge', 'source'], '   ');
    setAt(p, ['geography', 'cityBoundary', 'value', 'path'], '../secrets/boundary.geojson');
    setAt(p, ['place', 'mayor'], { value: 'Someone', source: 'x' });
    setAt(p, ['clocks', 'biaAppeal', 'unverified'], false);
    setAt(p, ['retention', 'notify.message-recipient-data', 'value', 'maxDays'], -1);
    return p;
  }

  it('accepts valid data', () => {
    expect(validateJurisdiction(minneapolisProfile)).toEqual([]);
    expect(parseJurisdiction(minneapolisProfile, 'minneapolis').id).toBe('minneapolis');
  });

  it('names every bad path in one error', () => {
    let error: unknown;
    try {
      parseJurisdiction(brokenMinneapolis(), 'broken-minneapolis');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JurisdictionError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid jurisdiction profile "broken-minneapolis" \(\d+ problems\):/);
    const expectedPaths = [
      'locale.timezone.value',
      'municipalId.minimumAge.source',
      'geography.cityBoundary.value.path',
      'place',
      'clocks.biaAppeal.unverified',
      'retention["notify.message-recipient-data"].value.maxDays',
    ];
    for (const path of expectedPaths) expect(message).toContain(`  - ${path}: `);
    const paths = (error as JurisdictionError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(expectedPaths));
    expect(message).toMatch(/Unrecognized key: "mayor"/);
    expect(message).toMatch(/Cross-field checks .* run once these are fixed/);
  });

  it('reports cross-field problems once the shape is valid', () => {
    const issues = validateJurisdiction(withCrossFieldErrors());
    const dayAfter = dayAfterThanksgiving;
    const byPath = new Map(issues.map((i) => [i.path, i.message]));
    expect(byPath.get('locale.defaultLanguage.value')).toMatch(/"fr" is not among the offered languages/);
    expect(byPath.get('municipalId.variants[1].value.minAge')).toMatch(/contiguous/);
    expect(byPath.get(`holidays.rules[${dayAfter}].value.rule.holiday`)).toMatch(/unknown holiday "no-such-holiday"/);
    expect(byPath.get('povertyGuidelines.defaultYear.value')).toMatch(/1999 has no table/);
    expect(() => parseJurisdiction(withCrossFieldErrors(), 'x')).toThrow(/\(4 problems\):\n(?![\s\S]*Cross-field checks)/);
  });

  it('checks the options of a clock rule', () => {
    const p: unknown = structuredClone(minneapolisProfile);
    setAt(p, ['clocks', 'biaAppeal', 'value', 'businessHours'], { start: '09:00', end: '17:00' });
    setAt(p, ['clocks', 'legalDefenseProviderAccept', 'value', 'businessHours'], { start: '17:00', end: '09:00' });
    setAt(p, ['clocks', 'legalDefenseFirstAttorneyContact', 'value', 'lastDay'], 'day-before');
    setAt(p, ['clocks', 'petitionForReview', 'value', 'pauseReasons'], ['Not A Slug']);
    setAt(p, ['clocks', 'motionToReopen', 'value', 'reminders'], [{ amount: -1, unit: 'days' }]);
    const byPath = new Map(validateJurisdiction(p).map((i) => [i.path, i.message]));
    expect(byPath.get('clocks.biaAppeal.value.businessHours')).toMatch(/hour clocks only/);
    expect(byPath.get('clocks.legalDefenseProviderAccept.value.businessHours')).toMatch(/start must be before/);
    expect(byPath.get('clocks.legalDefenseFirstAttorneyContact.value.lastDay')).toMatch(/day, month and year clocks/);
    expect(byPath.get('clocks.petitionForReview.value.pauseReasons[0]')).toMatch(/kebab-case/);
    expect([...byPath.keys()]).toContain('clocks.motionToReopen.value.reminders[0].amount');
  });

  it('rejects things that are not profiles at all', () => {
    expect(() => parseJurisdiction(null)).toThrow(/Invalid jurisdiction profile "profile" \(1 problem\):\n {2}- \(root\): /);
    expect(validateJurisdiction({ schemaVersion: 2 }).some((i) => i.path === 'schemaVersion')).toBe(true);
  });
});

describe('fiscal years', () => {
  it('follows the calendar year where the budget year starts in January', () => {
    expect(fiscalYear(mpls, 2027)).toEqual({ year: 2027, startsOn: '2027-01-01', endsOn: '2027-12-31' });
    expect(fiscalYearOf(mpls, '2027-01-01').year).toBe(2027);
    expect(fiscalYearOf(mpls, '2027-12-31').year).toBe(2027);
  });

  it('names a year starting in July by the calendar year it ends in', () => {
    expect(testville.budget.fiscalYearStartMonth.value).toBe(7);
    expect(fiscalYear(testville, 2027)).toEqual({ year: 2027, startsOn: '2026-07-01', endsOn: '2027-06-30' });
    expect(fiscalYearOf(testville, '2026-06-30')).toEqual({ year: 2026, startsOn: '2025-07-01', endsOn: '2026-06-30' });
    expect(fiscalYearOf(testville, '2026-07-01').year).toBe(2027);
    expect(fiscalYearOf(testville, '2027-06-30').year).toBe(2027);
  });

  it('ends a February-starting year on the last day of January, and one starting in March on 28 or 29 February', () => {
    const starting = (month: number) => parseJurisdiction({ ...structuredClone(minneapolisProfile), budget: { fiscalYearStartMonth: { value: month, source: 'test' } } });
    expect(fiscalYear(starting(2), 2027)).toEqual({ year: 2027, startsOn: '2026-02-01', endsOn: '2027-01-31' });
    expect(fiscalYear(starting(3), 2028).endsOn).toBe('2028-02-29');
    expect(fiscalYear(starting(3), 2027).endsOn).toBe('2027-02-28');
  });

  it('refuses a start month outside 1–12 in a profile, and malformed dates and years', () => {
    expect(validateJurisdiction({ ...structuredClone(minneapolisProfile), budget: { fiscalYearStartMonth: { value: 13, source: 'test' } } }).map((i) => i.path)).toEqual(['budget.fiscalYearStartMonth.value']);
    expect(() => fiscalYearOf(mpls, '2027-13-01')).toThrow(RangeError);
    expect(() => fiscalYearOf(mpls, 'soon')).toThrow(RangeError);
    expect(() => fiscalYear(mpls, 2027.5)).toThrow(RangeError);
  });
});

describe('holidays', () => {
  it('lists the Minneapolis city holidays for 2026', () => {
    expect(holidaysFor(mpls, 2026)).toEqual([
      '2026-01-01', // New Year's Day
      '2026-01-19', // Martin Luther King Jr. Day, third Monday of January
      '2026-02-16', // Presidents' Day, third Monday of February
      '2026-05-25', // Memorial Day, last Monday of May
      '2026-06-19', // Juneteenth (a Friday)
      '2026-07-03', // Independence Day, Saturday the 4th observed on Friday
      '2026-09-07', // Labor Day, first Monday of September
      '2026-11-11', // Veterans Day
      '2026-11-26', // Thanksgiving, fourth Thursday of November
      '2026-11-27', // day after Thanksgiving
      '2026-12-25', // Christmas Day
    ]);
  });

  it('lists the Minneapolis city holidays for 2027, including observance across New Year', () => {
    expect(holidaysFor(mpls, 2027)).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-05-31',
      '2027-06-18', // Juneteenth falls on Saturday → Friday
      '2027-07-05', // Independence Day falls on Sunday → Monday
      '2027-09-06',
      '2027-11-11',
      '2027-11-25',
      '2027-11-26',
      '2027-12-24', // Christmas falls on Saturday → Friday
      '2027-12-31', // New Year's Day 2028 falls on Saturday → Friday 2027-12-31
    ]);
  });

  it('explains each date with its rule and nominal date', () => {
    const july = holidayDates(mpls, 2026).find((h) => h.id === 'independence-day');
    expect(july).toEqual({ date: '2026-07-03', actualDate: '2026-07-04', id: 'independence-day', name: 'Independence Day', calendars: ['federal', 'state', 'city'] });
    const newYear2028 = holidayDates(mpls, 2027).filter((h) => h.id === 'new-years-day');
    expect(newYear2028.map((h) => [h.date, h.actualDate])).toEqual([
      ['2027-01-01', '2027-01-01'],
      ['2027-12-31', '2028-01-01'],
    ]);
  });

  it('keeps a holiday observed in the previous year out of the current one', () => {
    // 1 Jan 2022 was a Saturday: observed Friday 31 Dec 2021.
    expect(holidaysFor(mpls, 2022)).not.toContain('2022-01-01');
    expect(holidaysFor(mpls, 2021)).toContain('2021-12-31');
  });

  it('selects a calendar', () => {
    const federal = holidaysFor(mpls, 2026, { calendar: 'federal' });
    expect(federal).toContain('2026-10-12'); // Columbus Day is federal, not a city closure
    expect(federal).not.toContain('2026-11-27');
    expect(holidaysFor(mpls, 2026)).not.toContain('2026-10-12');
    expect(holidaysFor(mpls, 2026, { calendar: 'all' })).toEqual(expect.arrayContaining(['2026-10-12', '2026-11-27']));
  });

  it('honours the year a holiday began', () => {
    // Juneteenth: federal since 2021, Minnesota since 2023. 19 Jun 2022 was a Sunday → Monday 20 Jun.
    expect(holidaysFor(mpls, 2022, { calendar: 'federal' })).toContain('2022-06-20');
    expect(holidaysFor(mpls, 2022, { calendar: 'state' })).not.toContain('2022-06-20');
    expect(holidaysFor(mpls, 2020, { calendar: 'federal' })).not.toContain('2020-06-19');
  });

  it('answers isHoliday and isBusinessDay', () => {
    expect(isHoliday(mpls, '2026-07-03')).toBe(true);
    expect(isHoliday(mpls, '2026-07-04')).toBe(false); // the nominal Saturday is a weekend day, not an extra holiday
    expect(isBusinessDay(mpls, '2026-07-04')).toBe(false);
    expect(isBusinessDay(mpls, '2026-07-03')).toBe(false);
    expect(isBusinessDay(mpls, '2026-07-06')).toBe(true);
    expect(isHoliday(mpls, '2026-10-12')).toBe(false);
    expect(isHoliday(mpls, '2026-10-12', { calendar: 'federal' })).toBe(true);
    expect(isHoliday(mpls, '2027-12-31')).toBe(true);
  });

  it('rejects malformed dates and years', () => {
    expect(() => isHoliday(mpls, '2026-02-30')).toThrow(RangeError);
    expect(() => isHoliday(mpls, '2026-7-3')).toThrow(RangeError);
    expect(() => holidaysFor(mpls, 2026.5)).toThrow(RangeError);
    expect(() => holidaysFor(mpls, 2026, { calendar: 'county' as never })).toThrow(/Unknown holiday calendar/);
  });

  it('computes another profile from its own rules', () => {
    expect(holidaysFor(testville, 2026)).toEqual([
      '2026-01-01',
      '2026-03-03', // Statehood Day
      '2026-07-04', // only Sunday moves in Testville, so Saturday the 4th stays
      '2026-08-14', // Founders Day, second Friday of August
      '2026-11-26',
      '2026-12-25',
    ]);
    expect(holidaysFor(testville, 2019)).not.toContain('2019-08-09'); // Founders Day since 2020
  });
});

describe('povertyGuideline', () => {
  it('gives the 2025 guideline per household size by default (Minneapolis)', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => povertyGuideline(mpls, n))).toEqual([15_650, 21_150, 26_650, 32_150, 37_650, 43_150, 48_650, 54_150]);
  });

  it('adds the per-person amount beyond the table', () => {
    expect(povertyGuideline(mpls, 9)).toBe(59_650);
    expect(povertyGuideline(mpls, 12)).toBe(54_150 + 4 * 5_500);
  });

  it('applies a percentage (fee-waiver and reduced-fee ceilings)', () => {
    expect(povertyGuideline(mpls, 4, { percent: 150 })).toBe(48_225);
    expect(povertyGuideline(mpls, 1, { percent: 400 })).toBe(62_600);
    expect(povertyGuideline(mpls, 9, { percent: 150 })).toBe(89_475);
  });

  it('reads other years and other profiles', () => {
    expect(povertyGuideline(mpls, 4, { year: 2024 })).toBe(31_200);
    expect(povertyGuideline(mpls, 4, { year: 2026 })).toBe(33_000);
    expect(povertyGuideline(testville, 1)).toBe(15_060); // Testville defaults to 2024
  });

  it('rejects impossible input', () => {
    expect(() => povertyGuideline(mpls, 0)).toThrow(RangeError);
    expect(() => povertyGuideline(mpls, 2.5)).toThrow(RangeError);
    expect(() => povertyGuideline(mpls, 2, { percent: -5 })).toThrow(RangeError);
    expect(() => povertyGuideline(mpls, 2, { year: 1990 })).toThrow(/No 1990 poverty guidelines in jurisdiction "minneapolis" \(has 2024, 2025, 2026\)/);
  });
});

describe('locale helpers', () => {
  it("gives the city's local date, not the server's", () => {
    const instant = new Date('2026-07-01T05:30:00Z');
    expect(localDate(mpls, instant)).toBe('2026-07-01'); // 00:30 CDT
    expect(localDate(testville, instant)).toBe('2026-06-30'); // 22:30 MST
  });

  it('lists offered languages, default first', () => {
    expect(offeredLanguageCodes(mpls)).toEqual(['en', 'es', 'so', 'hmn']);
    expect(offeredLanguageCodes(testville)).toEqual(['es', 'en']);
  });
});
