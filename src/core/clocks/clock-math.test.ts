import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClockRule, loadJurisdiction, parseJurisdiction } from '../jurisdiction/index.ts';
import { minneapolisProfile } from '../jurisdiction/profiles/minneapolis.ts';
import {
  ClockCalculator,
  ClockRuleError,
  addBusinessDays,
  ageOutDate,
  businessDaysBetween,
  clockRulesDigest,
  compositeDue,
  defaultReminders,
  definedRules,
  dueDate,
} from './clock-math.ts';
import { DAY_MS, HOUR_MS, dayToIso, isoToDay } from './zone-time.ts';

const mpls = loadJurisdiction('minneapolis');
const testville = loadJurisdiction('testville');
const rule = (name: keyof typeof mpls.clocks, profile = mpls): ClockRule => {
  const r = profile.clocks[name];
  if (!r) throw new Error(`no rule ${name}`);
  return r.value;
};
/** A local wall time in Minneapolis as an instant (offsets written out: the test must not trust the code under test). */
const cst = (local: string) => new Date(`${local}-06:00`);
const cdt = (local: string) => new Date(`${local}-05:00`);

describe('calendar days', () => {
  it('counts from the day after the start and is due by the end of the last local day', () => {
    // Oral decision on Monday 2 March 2026 at 10:00: 30 days → Wednesday 1 April, overdue from local midnight (CDT).
    const due = dueDate({ rule: rule('biaAppeal'), start: cst('2026-03-02T10:00:00'), profile: mpls });
    expect(due).toEqual({ dueDate: '2026-04-01', dueAt: cdt('2026-04-02T00:00:00'), dueTime: null });
  });

  it('uses the local date of the start, not the UTC date', () => {
    // 23:30 in Minneapolis on 2 March is already 3 March in UTC.
    expect(dueDate({ rule: rule('biaAppeal'), start: cst('2026-03-02T23:30:00'), profile: mpls }).dueDate).toBe('2026-04-01');
  });

  it('keeps a weekend last day when the rule says keep (the earlier date is the safe one)', () => {
    const due = dueDate({ rule: rule('petitionForReview'), start: cdt('2026-10-02T12:00:00'), profile: mpls });
    expect(due.dueDate).toBe('2026-11-01'); // a Sunday, kept
    expect(due.dueAt).toEqual(cst('2026-11-02T00:00:00')); // after the fall-back change: CST midnight
  });

  it('gives U-visa requests the city 30 days and, expedited, 7 days', () => {
    const start = cst('2026-01-05T09:00:00');
    expect(dueDate({ rule: rule('uVisaCertification'), start, profile: mpls }).dueDate).toBe('2026-02-04');
    expect(dueDate({ rule: rule('uVisaCertificationExpedited'), start, profile: mpls }).dueDate).toBe('2026-01-12');
    expect(dueDate({ rule: rule('motionToReopen'), start, profile: mpls }).dueDate).toBe('2026-04-05');
  });
});

describe('business days and holidays', () => {
  it('skips Thanksgiving and, on the city calendar, the day after', () => {
    // 5 business days from Tuesday 24 November 2026 on the city calendar: 25, 30, 1, 2, 3.
    const due = dueDate({ rule: rule('separationRequestReport'), start: cst('2026-11-24T15:00:00'), profile: mpls });
    expect(due.dueDate).toBe('2026-12-03');
    expect(addBusinessDays(mpls, '2026-11-24', 5, { calendar: 'state' })).toBe('2026-12-02'); // the state works on the 27th
    expect(businessDaysBetween(mpls, '2026-11-23', '2026-11-30', { calendar: 'city' })).toBe(3);
  });

  it('skips Juneteenth where it is observed on a Friday (19 June 2027 is a Saturday)', () => {
    // 10 business days from Friday 11 June 2027 on the state calendar: 14–17, (18 observed), 21–25, 28.
    const due = dueDate({ rule: rule('dataSubjectAccessResponse'), start: cdt('2027-06-11T10:00:00'), profile: mpls });
    expect(due.dueDate).toBe('2027-06-28');
    expect(addBusinessDays(mpls, '2027-06-11', 10, { calendar: 'state' })).toBe('2027-06-28');
  });

  it('skips Christmas and New Year observed on Fridays (both fall on Saturdays in 2027)', () => {
    const due = dueDate({ rule: rule('separationRequestReport'), start: cst('2027-12-20T09:00:00'), profile: mpls });
    expect(due.dueDate).toBe('2027-12-28'); // 21, 22, 23, (24 observed Christmas), 27, 28
    expect(addBusinessDays(mpls, '2027-12-28', 3, { calendar: 'city' })).toBe('2028-01-03'); // 29, 30, (31 observed New Year), 3
    expect(addBusinessDays(mpls, '2026-12-24', 1, { calendar: 'city' })).toBe('2026-12-28');
    expect(addBusinessDays(mpls, '2026-12-28', -1, { calendar: 'city' })).toBe('2026-12-24');
  });

  it('rolls a last day on a holiday to the next business day where the rule says so', () => {
    // Asylum: arrival 26 November 2025 → 26 November 2026 is Thanksgiving → Friday 27 (federal calendar).
    expect(dueDate({ rule: rule('asylumOneYear'), start: cst('2025-11-26T12:00:00'), profile: mpls }).dueDate).toBe('2026-11-27');
    // A Saturday anniversary rolls to Monday.
    expect(dueDate({ rule: rule('asylumOneYear'), start: cst('2025-11-28T12:00:00'), profile: mpls }).dueDate).toBe('2026-11-30');
  });

  it('rolls back to the previous business day when the rule says so', () => {
    const r: ClockRule = { amount: 1, unit: 'days', startsAt: 'x', dueOnNonBusinessDay: 'previous-business-day', calendar: 'city', kind: 'service-level' };
    expect(dueDate({ rule: r, start: cst('2026-12-24T09:00:00'), profile: mpls }).dueDate).toBe('2026-12-24'); // 25th → 24th
    expect(dueDate({ rule: r, start: cst('2026-11-27T09:00:00'), profile: mpls }).dueDate).toBe('2026-11-25'); // Sat 28 → Fri 27 (closed) → Thu 26 (Thanksgiving) → Wed 25
  });

  it("uses each profile's own calendar and zone (Testville: business days, Phoenix time)", () => {
    const due = dueDate({ rule: rule('uVisaCertificationExpedited', testville), start: new Date('2026-07-01T17:00:00-07:00'), profile: testville });
    // 10 business days from Wed 1 July: 2, (3 is not a Testville holiday, 4 July Saturday is not observed), 6–10, 13, 14.
    expect(due.dueDate).toBe('2026-07-15');
    expect(due.dueAt).toEqual(new Date('2026-07-16T00:00:00-07:00'));
  });
});

describe('months and years', () => {
  it('clamps to the end of a shorter month', () => {
    const validity = rule('uVisaCertificationSignatureValidity');
    expect(dueDate({ rule: validity, start: cdt('2026-08-31T12:00:00'), profile: mpls }).dueDate).toBe('2027-02-28');
    expect(dueDate({ rule: validity, start: cdt('2027-08-31T12:00:00'), profile: mpls }).dueDate).toBe('2028-02-29');
    expect(dueDate({ rule: rule('asylumOneYear'), start: cst('2024-02-29T12:00:00'), profile: mpls }).dueDate).toBe('2025-02-28');
  });

  it('counts a window back from a date', () => {
    const r: ClockRule = { amount: 90, unit: 'days', direction: 'before', startsAt: 'card expires', dueOnNonBusinessDay: 'keep', calendar: 'federal', kind: 'legal-deadline' };
    expect(dueDate({ rule: r, start: '2026-12-31', profile: mpls }).dueDate).toBe('2026-10-02');
  });
});

describe('age out at 21', () => {
  it('gives the 21st birthday, 28 February for a 29 February birthday', () => {
    expect(ageOutDate('2005-06-30', 21)).toBe('2026-06-30');
    expect(ageOutDate('2004-02-29', 21)).toBe('2025-02-28');
    expect(ageOutDate('2004-02-29', 20)).toBe('2024-02-29');
    expect(() => ageOutDate('2005-02-30')).toThrow(RangeError);
  });

  it('is due the day before the birthday: on the birthday the person is already 21', () => {
    const due = compositeDue({ rules: ['uVisaDerivativeAgeOut'], start: '2005-06-30', profile: mpls });
    expect(due).toMatchObject({ dueDate: '2026-06-29', governing: 'uVisaDerivativeAgeOut', dueTime: null });
    expect(due.dueAt).toEqual(cdt('2026-06-30T00:00:00'));
  });
});

describe('hours', () => {
  it('counts real elapsed hours across daylight-saving changes', () => {
    // 24 hours from Saturday 7 March 2026 12:00 CST end Sunday 13:00 CDT (the clocks sprang forward).
    const spring = dueDate({ rule: rule('legalDefenseFirstAttorneyContact'), start: cst('2026-03-07T12:00:00'), profile: mpls });
    expect(spring).toEqual({ dueAt: cdt('2026-03-08T13:00:00'), dueDate: '2026-03-08', dueTime: '13:00' });
    // 4 hours from 00:30 CDT on 1 November end 03:30 CST (the clocks fell back).
    const fall = dueDate({ rule: rule('legalDefenseProviderAccept'), start: cdt('2026-11-01T00:30:00'), profile: mpls });
    expect(fall).toEqual({ dueAt: cst('2026-11-01T03:30:00'), dueDate: '2026-11-01', dueTime: '03:30' });
    expect(fall.dueAt.getTime() - cdt('2026-11-01T00:30:00').getTime()).toBe(4 * HOUR_MS);
  });

  it('skips weekends and holidays when the rule says so (48-hour detainer rule)', () => {
    // Thursday 2 July 2026 15:00: 9 hours on Thursday, Friday 3 July observed Independence Day, weekend,
    // 24 on Monday, 15 on Tuesday.
    const due = dueDate({ rule: rule('detainerMaximumHold'), start: cdt('2026-07-02T15:00:00'), profile: mpls });
    expect(due).toEqual({ dueAt: cdt('2026-07-07T15:00:00'), dueDate: '2026-07-07', dueTime: '15:00' });
  });

  it('counts only business hours when the rule has them (Testville: 09:00–17:00)', () => {
    // Friday 6 March 16:00 Phoenix: 1 hour on Friday, 1 on Monday → Monday 10:00.
    const due = dueDate({ rule: rule('legalDefenseProviderAccept', testville), start: new Date('2026-03-06T16:00:00-07:00'), profile: testville });
    expect(due).toEqual({ dueAt: new Date('2026-03-09T10:00:00-07:00'), dueDate: '2026-03-09', dueTime: '10:00' });
    // Started at night: counting begins at 09:00.
    expect(dueDate({ rule: rule('legalDefenseProviderAccept', testville), start: new Date('2026-03-10T02:00:00-07:00'), profile: testville }).dueTime).toBe('11:00');
  });
});

describe('pauses and good cause', () => {
  it('gives back the calendar days a pause crossed', () => {
    const r = rule('uVisaCertification');
    const start = cst('2026-01-05T09:00:00');
    const pauses = [{ from: cst('2026-01-10T15:00:00'), to: cst('2026-01-13T09:00:00') }];
    expect(dueDate({ rule: r, start, profile: mpls, pauses }).dueDate).toBe('2026-02-07'); // 4 Feb + 3
    // A pause within one day gives nothing back.
    expect(dueDate({ rule: r, start, profile: mpls, pauses: [{ from: cst('2026-01-10T09:00:00'), to: cst('2026-01-10T17:00:00') }] }).dueDate).toBe('2026-02-04');
  });

  it('gives back the business days a pause covered on a business-day rule', () => {
    const r = rule('uVisaCertificationExpedited', testville);
    const start = new Date('2026-07-01T17:00:00-07:00');
    // Paused Friday 10 July 10:00 to Wednesday 15 July: Fri, Mon, Tue = 3 business days.
    const pauses = [{ from: new Date('2026-07-10T10:00:00-07:00'), to: new Date('2026-07-15T08:00:00-07:00') }];
    expect(dueDate({ rule: r, start, profile: testville, pauses }).dueDate).toBe('2026-07-20'); // 15 July + 3 business days
  });

  it('gives back counted hours on an hour rule', () => {
    const start = cst('2026-01-05T09:00:00');
    const pauses = [{ from: cst('2026-01-05T10:00:00'), to: cst('2026-01-05T11:30:00') }];
    expect(dueDate({ rule: rule('legalDefenseProviderAccept'), start, profile: mpls, pauses }).dueTime).toBe('14:30');
  });

  it('refuses a pause that ends before it starts', () => {
    expect(() => dueDate({ rule: rule('biaAppeal'), start: cst('2026-01-05T09:00:00'), profile: mpls, pauses: [{ from: cst('2026-01-06T09:00:00'), to: cst('2026-01-05T09:00:00') }] })).toThrow(
      ClockRuleError,
    );
  });
});

describe('the stricter governs', () => {
  const start = cst('2026-01-05T09:00:00');

  it('returns the earliest rule and names it', () => {
    const expedited = compositeDue({ rules: ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'], start, profile: mpls });
    expect(expedited).toMatchObject({ dueDate: '2026-01-12', governing: 'uVisaCertificationExpedited' });
    expect(expedited.components.map((c) => [c.name, c.dueDate])).toEqual([
      ['uVisaCertificationExpedited', '2026-01-12'],
      ['uVisaCertificationStateMaximumExpedited', '2026-01-19'],
    ]);
    const standard = compositeDue({ rules: ['uVisaCertificationStateMaximum', 'uVisaCertification'], start, profile: mpls });
    expect(standard).toMatchObject({ dueDate: '2026-02-04', governing: 'uVisaCertification' });
  });

  it('lets a good-cause delay move only the rules that allow it: the state maximum still binds', () => {
    const delayed = compositeDue({
      rules: ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'],
      start,
      profile: mpls,
      extensions: [{ reasonCode: 'offsite-records', days: 30 }],
    });
    expect(delayed).toMatchObject({ dueDate: '2026-01-19', governing: 'uVisaCertificationStateMaximumExpedited' });
    expect(delayed.components[0]).toMatchObject({ dueDate: '2026-02-11', extensionDays: 30 });
    // A reason the rules do not list changes nothing.
    const ignored = compositeDue({ rules: ['uVisaCertificationExpedited'], start, profile: mpls, extensions: [{ reasonCode: 'awaiting-requester', days: 30 }] });
    expect(ignored.dueDate).toBe('2026-01-12');
  });

  it('filters optional rules a profile does not define', () => {
    expect(definedRules(testville, ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'])).toEqual(['uVisaCertificationExpedited']);
    expect(() => compositeDue({ rules: ['uVisaCertificationStateMaximum'], start, profile: testville })).toThrow(/defines no clock rule/);
    expect(() => compositeDue({ rules: [], start, profile: mpls })).toThrow(ClockRuleError);
  });
});

describe('reminder and escalation schedule', () => {
  it('defaults reminders from the length of the rule', () => {
    expect(defaultReminders(rule('legalDefenseProviderAccept'))).toEqual([{ amount: 1, unit: 'hours' }]);
    expect(defaultReminders(rule('legalDefenseFirstAttorneyContact'))).toEqual([{ amount: 4, unit: 'hours' }, { amount: 1, unit: 'hours' }]);
    expect(defaultReminders(rule('uVisaCertificationExpedited'))).toEqual([{ amount: 3, unit: 'days' }, { amount: 1, unit: 'days' }]);
    expect(defaultReminders(rule('biaAppeal'))).toEqual([{ amount: 3, unit: 'days' }, { amount: 1, unit: 'days' }]);
    expect(defaultReminders(rule('motionToReopen'))).toEqual([{ amount: 30, unit: 'days' }, { amount: 7, unit: 'days' }, { amount: 1, unit: 'days' }]);
  });

  it('places reminders "when N days remain" in local time, and escalations after the due time', () => {
    const calc = ClockCalculator.for(mpls);
    const c = calc.rule('uVisaCertificationExpedited');
    const due = cst('2026-01-13T00:00:00').getTime();
    expect(calc.reminderTimes(c, due).map((t) => new Date(t))).toEqual([cst('2026-01-10T00:00:00'), cst('2026-01-12T00:00:00')]);
    expect(calc.escalationTimes(c, due)).toEqual([due]);
    // The age-out alert has its own reminders from the profile: 90, 30 and 14 days before.
    const ageOut = calc.rule('uVisaDerivativeAgeOut');
    expect(calc.reminderTimes(ageOut, cdt('2026-06-30T00:00:00').getTime()).map((t) => dayToIso(calc.zone.localDay(t)))).toEqual(['2026-04-01', '2026-05-31', '2026-06-16']);
  });
});

describe('profile changes', () => {
  it('changes the digest when a holiday is added, not otherwise', () => {
    const copy = parseJurisdiction(structuredClone(minneapolisProfile), 'minneapolis');
    expect(clockRulesDigest(copy)).toBe(clockRulesDigest(mpls));
    const raw = structuredClone(minneapolisProfile) as { holidays: { rules: unknown[] } };
    raw.holidays.rules.push({ value: { id: 'snow-day', name: 'Snow day', calendars: ['city'], rule: { kind: 'fixed', month: 2, day: 2 }, observance: 'none' }, source: 'test' });
    expect(clockRulesDigest(parseJurisdiction(raw, 'minneapolis'))).not.toBe(clockRulesDigest(mpls));
  });
});

describe('bad input', () => {
  it('refuses starts that are not dates and rules the profile lacks', () => {
    expect(() => dueDate({ rule: rule('biaAppeal'), start: '2026-02-30', profile: mpls })).toThrow(RangeError);
    expect(() => dueDate({ rule: rule('biaAppeal'), start: new Date('nope'), profile: mpls })).toThrow(ClockRuleError);
    expect(() => compositeDue({ rules: ['noSuchRule'], start: new Date(), profile: mpls })).toThrow(/defines no clock rule "noSuchRule"/);
    expect(() => addBusinessDays(mpls, '2026-01-01', 1.5, { calendar: 'city' })).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const calc = ClockCalculator.for(mpls);
const calendars = ['federal', 'state', 'city'] as const;
/** Instants from 2020 to 2035. */
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 11, 31) });
const day = fc.integer({ min: isoToDay('2020-01-01'), max: isoToDay('2035-12-31') });
const calendar = fc.constantFrom(...calendars);

describe('properties', () => {
  it('business-day arithmetic is monotonic in the start and in the count', () => {
    fc.assert(
      fc.property(day, day, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), calendar, (d1, d2, n1, n2, cal) => {
        const [a, b] = d1 <= d2 ? [d1, d2] : [d2, d1];
        const [m, n] = n1 <= n2 ? [n1, n2] : [n2, n1];
        expect(calc.addBusinessDays(a, n, cal)).toBeLessThanOrEqual(calc.addBusinessDays(b, n, cal));
        expect(calc.addBusinessDays(a, m, cal)).toBeLessThanOrEqual(calc.addBusinessDays(a, n, cal));
      }),
      { numRuns: 300 },
    );
  });

  it('n business days later is a business day with exactly n business days in between', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 60 }), calendar, (d, n, cal) => {
        const end = calc.addBusinessDays(d, n, cal);
        expect(calc.isBusinessDay(end, cal)).toBe(true);
        expect(calc.businessDaysBetween(d + 1, end + 1, cal)).toBe(n);
        expect(calc.addBusinessDays(end, -n, cal)).toBeLessThanOrEqual(d);
      }),
      { numRuns: 300 },
    );
  });

  it('a pause adds exactly the paused business days to a business-day clock', () => {
    const tv = ClockCalculator.for(testville);
    const c = tv.rule('uVisaCertification');
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 40 * DAY_MS }), fc.integer({ min: 0, max: 20 * DAY_MS }), (start, offset, length) => {
        const from = start + offset;
        const to = from + length;
        const plain = { dueMs: 0, dueDay: 0, governing: 0 };
        const paused = { dueMs: 0, dueDay: 0, governing: 0 };
        const startDay = tv.zone.localDay(start);
        tv.computeInto(c, start, startDay, null, 0, plain);
        tv.computeInto(c, start, startDay, [from, to], 0, paused);
        const given = tv.businessDaysBetween(tv.zone.localDay(from), tv.zone.localDay(to), c.calendar);
        expect(paused.dueDay).toBe(tv.addBusinessDays(plain.dueDay, given, c.calendar));
        expect(tv.businessDaysBetween(plain.dueDay + 1, paused.dueDay + 1, c.calendar)).toBe(given);
      }),
      { numRuns: 300 },
    );
  });

  it('every rule of every profile is due after its start', () => {
    const named = (p: typeof mpls) =>
      Object.entries(p.clocks)
        .filter(([, r]) => r !== undefined && r.value.direction !== 'before')
        .map(([n]) => [p, n] as const);
    const all = [...named(mpls), ...named(testville)];
    fc.assert(
      fc.property(instant, fc.constantFrom(...all), (start, [profile, name]) => {
        const due = compositeDue({ rules: [name], start: new Date(start), profile });
        expect(due.dueAt.getTime()).toBeGreaterThan(start);
        expect(due.dueDate >= dayToIso(ClockCalculator.for(profile).zone.localDay(start))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a day-based deadline ends at a local midnight and an hour deadline after exactly its hours, across DST', () => {
    const dayRules = ['biaAppeal', 'uVisaCertificationExpedited', 'separationRequestReport', 'asylumOneYear', 'uVisaCertificationSignatureValidity'] as const;
    // Starts around the 2026 and 2027 transitions, where naive UTC arithmetic goes wrong.
    const nearDst = fc.oneof(
      fc.integer({ min: cst('2026-03-01T00:00:00').getTime(), max: cdt('2026-03-15T00:00:00').getTime() }),
      fc.integer({ min: cdt('2026-10-25T00:00:00').getTime(), max: cst('2026-11-08T00:00:00').getTime() }),
      fc.integer({ min: cst('2027-03-07T00:00:00').getTime(), max: cdt('2027-03-21T00:00:00').getTime() }),
    );
    fc.assert(
      fc.property(nearDst, fc.constantFrom(...dayRules), fc.integer({ min: 1, max: 40 }), (start, name, amount) => {
        const r = { ...rule(name), amount: rule(name).unit === 'days' ? amount : rule(name).amount };
        const due = dueDate({ rule: r, start: new Date(start), profile: mpls });
        expect(calc.zone.localMsOfDay(due.dueAt.getTime())).toBe(0);
        expect(dayToIso(calc.zone.localDay(due.dueAt.getTime()) - 1)).toBe(due.dueDate);
        const hours = dueDate({ rule: { ...rule('legalDefenseFirstAttorneyContact'), amount }, start: new Date(start), profile: mpls });
        expect(hours.dueAt.getTime() - start).toBe(amount * HOUR_MS);
      }),
      { numRuns: 500 },
    );
  });
});

describe('catalog', () => {
  it('names every rule, reason code and escalation role of every profile in the clocks catalog', async () => {
    const { knownJurisdictionIds } = await import('../jurisdiction/index.ts');
    const en = (await import('./locales/en.json', { with: { type: 'json' } })).default as Record<string, string>;
    const missing: string[] = [];
    for (const id of knownJurisdictionIds()) {
      const profile = loadJurisdiction(id);
      for (const [name, sourced] of Object.entries(profile.clocks)) {
        if (!sourced) continue;
        const r = sourced.value;
        const keys = [
          `clocks.rule.${name}`,
          `clocks.kind.${r.kind}`,
          ...(r.pauseReasons ?? []).map((c) => `clocks.reason.${c}`),
          ...(r.goodCauseReasons ?? []).map((c) => `clocks.reason.${c}`),
          ...ClockCalculator.for(profile).rule(name).escalations.map((e) => `clocks.escalation.${e.to}`),
        ];
        for (const k of keys) if (!(k in en)) missing.push(`${id}: ${k}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
