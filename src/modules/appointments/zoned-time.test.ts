import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dateMs, daysBetween, formatClock, localDateOf, localMinutesOf, parseClock, weekdayOf, zonedToUtc } from './zoned-time.ts';

const TZ = 'America/Chicago';

describe('zoned time', () => {
  it('converts local wall times to UTC on both sides of daylight saving', () => {
    expect(zonedToUtc(TZ, '2026-07-01', 9 * 60)?.toISOString()).toBe('2026-07-01T14:00:00.000Z'); // CDT, UTC−5
    expect(zonedToUtc(TZ, '2026-12-01', 9 * 60)?.toISOString()).toBe('2026-12-01T15:00:00.000Z'); // CST, UTC−6
    // 8 March 2026: clocks jump from 02:00 to 03:00.
    expect(zonedToUtc(TZ, '2026-03-08', 2 * 60 + 30)).toBeNull();
    expect(zonedToUtc(TZ, '2026-03-08', 3 * 60)?.toISOString()).toBe('2026-03-08T08:00:00.000Z');
    // 1 November 2026: 01:30 happens twice; the first one (CDT) is taken.
    expect(zonedToUtc(TZ, '2026-11-01', 90)?.toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });

  it('round-trips every existing wall time (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: 24 * 60 - 1 }), (day, minutes) => {
        const date = addDays('2026-01-01', day);
        const instant = zonedToUtc(TZ, date, minutes);
        if (instant === null) return; // the skipped hour
        expect(localDateOf(TZ, instant)).toBe(date);
        expect(localMinutesOf(TZ, instant)).toBe(minutes);
      }),
    );
  });

  it('does date arithmetic on calendar dates', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysBetween('2026-11-27', '2027-01-08')).toBe(42);
    expect(weekdayOf('2026-11-27')).toBe(5);
    expect(() => dateMs('2026-02-30')).toThrow(RangeError);
    expect(() => dateMs('27/11/2026')).toThrow(RangeError);
  });

  it('parses and formats opening-hour clocks', () => {
    expect(parseClock('09:30')).toBe(570);
    expect(parseClock('24:00')).toBe(1440);
    expect(parseClock('24:30')).toBeNull();
    expect(parseClock('9:30')).toBeNull();
    expect(parseClock('12:60')).toBeNull();
    expect(formatClock(570)).toBe('09:30');
  });
});
