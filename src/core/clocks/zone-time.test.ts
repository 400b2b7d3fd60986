import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, Zone, addMonthsToDay, civilFromDay, dayFromCivil, dayToIso, instantToIso, isoToDay, isoToInstant, weekdayOfDay, yearOfDay } from './zone-time.ts';

/** The offset straight from Intl, the reference the transition table must match. */
function intlOffset(timeZone: string, ms: number): number {
  const second = Math.floor(ms / 1000) * 1000;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(second);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - second;
}

// Zones with DST at 02:00 (Chicago), at midnight (Santiago), by 30 minutes (Lord Howe), none (Phoenix, Kolkata).
const ZONES = ['America/Chicago', 'America/Phoenix', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Europe/London'];

describe('civil days', () => {
  it('round-trips dates and knows weekdays and leap years', () => {
    expect(isoToDay('1970-01-01')).toBe(0);
    expect(weekdayOfDay(0)).toBe(4); // Thursday
    expect(weekdayOfDay(isoToDay('2026-11-26'))).toBe(4); // Thanksgiving 2026
    expect(weekdayOfDay(isoToDay('1969-12-31'))).toBe(3);
    expect(dayToIso(isoToDay('2028-02-29'))).toBe('2028-02-29');
    expect(() => isoToDay('2027-02-29')).toThrow(RangeError);
    expect(() => isoToDay('2027-2-01')).toThrow(RangeError);
    expect(dayToIso(addMonthsToDay(isoToDay('2026-01-31'), 1))).toBe('2026-02-28');
    expect(dayToIso(addMonthsToDay(isoToDay('2026-03-31'), -1))).toBe('2026-02-28');
  });

  it('agrees with Date for any day from 1900 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayFromCivil(1900, 1, 1), max: dayFromCivil(2200, 12, 31) }), (d) => {
        const date = new Date(d * DAY_MS);
        expect(civilFromDay(d)).toEqual({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
        expect(yearOfDay(d)).toBe(date.getUTCFullYear());
        expect(weekdayOfDay(d)).toBe(date.getUTCDay());
        expect(isoToDay(dayToIso(d))).toBe(d);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Zone', () => {
  it('matches Intl at every instant, including next to transitions', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2060, 0, 1) }), (tz, ms) => {
        expect(Zone.for(tz).offsetAt(ms)).toBe(intlOffset(tz, ms));
      }),
      { numRuns: 3000 },
    );
    // The exact seconds around the Chicago changes of 2026.
    const chicago = Zone.for('America/Chicago');
    for (const t of [Date.parse('2026-03-08T08:00:00Z'), Date.parse('2026-11-01T07:00:00Z')]) {
      for (const d of [-1000, 0, 1000]) expect(chicago.offsetAt(t + d)).toBe(intlOffset('America/Chicago', t + d));
    }
  });

  it('finds the instant of a local time: gaps move forward, repeated hours take the first', () => {
    const chicago = Zone.for('America/Chicago');
    const d = (iso: string) => isoToDay(iso);
    expect(new Date(chicago.instantOf(d('2026-03-08'), 0)).toISOString()).toBe('2026-03-08T06:00:00.000Z');
    expect(new Date(chicago.instantOf(d('2026-03-09'), 0)).toISOString()).toBe('2026-03-09T05:00:00.000Z');
    // 02:30 does not exist on 8 March 2026: 03:30 CDT.
    expect(new Date(chicago.instantOf(d('2026-03-08'), 2.5 * 3_600_000)).toISOString()).toBe('2026-03-08T08:30:00.000Z');
    // 01:30 happens twice on 1 November 2026: the first (CDT).
    expect(new Date(chicago.instantOf(d('2026-11-01'), 1.5 * 3_600_000)).toISOString()).toBe('2026-11-01T06:30:00.000Z');
    // Santiago springs forward at midnight: 00:00 on 6 September 2026 does not exist, 01:00 does.
    const santiago = Zone.for('America/Santiago');
    const midnight = santiago.instantOf(d('2026-09-06'), 0);
    expect(santiago.localMsOfDay(midnight)).toBe(3_600_000);
  });

  it('round-trips every local time that exists', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1975, 0, 1), max: Date.UTC(2050, 0, 1) }), (tz, ms) => {
        const zone = Zone.for(tz);
        const day = zone.localDay(ms);
        const msOfDay = zone.localMsOfDay(ms);
        const back = zone.instantOf(day, msOfDay);
        // Equal, or the earlier occurrence of a repeated hour (same wall time).
        expect(back <= ms).toBe(true);
        expect(zone.localDay(back)).toBe(day);
        expect(zone.localMsOfDay(back)).toBe(msOfDay);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes an instant as toISOString does, inside and outside the four-digit years', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(instantToIso(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
    for (const ms of [0, -0, 1, 999, 86_399_999, Date.UTC(2027, 0, 1, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), -1, 1.5]) {
      expect(instantToIso(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => instantToIso(Number.NaN)).toThrow(RangeError);
    expect(() => instantToIso(8.64e15 + 1)).toThrow(RangeError);
  });

  it('reads an instant as Date.parse does, quickly for the text instantToIso writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(isoToInstant(iso)).toBe(Date.parse(iso));
        expect(isoToInstant(iso)).toBe(ms);
      }),
      { numRuns: 5000 },
    );
    // Texts of the same shape that are not instants, and other shapes, read as Date.parse reads them.
    for (const text of ['2027-02-29T00:00:00.000Z', '2028-02-29T23:59:59.999Z', '2027-13-01T00:00:00.000Z', '2027-01-32T00:00:00.000Z', '2027-01-01T24:00:00.000Z', '2027-01-01T00:60:00.000Z', '2027-01-01T00:00:60.000Z', '2027-01-01T00:00:00.00xZ', '2027-01-01 00:00:00.000Z', '2027-01-01T00:00:00Z', '2027-01-01', '+012027-01-01T00:00:00.000Z', '', 'not a date', '２０２７-01-01T00:00:00.000Z']) {
      expect(Object.is(isoToInstant(text), Date.parse(text))).toBe(true);
    }
  });
});
