import { describe, expect, it } from 'vitest';
import { isHoliday, loadJurisdiction } from '../../core/jurisdiction/index.ts';
import { type DayRules, closedReason, datesBetween, isSlotStart, slotsOfDay } from './slots.ts';

const mpls = loadJurisdiction('minneapolis');
const rules: DayRules = {
  timeZone: 'America/Chicago',
  slotMinutes: 20,
  // Tuesday: 09:00–12:00 and 13:00–16:30; Saturday 10:00–11:00.
  hours: [
    { weekday: 2, opens: 540, closes: 720 },
    { weekday: 2, opens: 780, closes: 990 },
    { weekday: 6, opens: 600, closes: 660 },
  ],
  closures: [{ fromDate: '2026-12-15', toDate: '2026-12-15' }],
  isHoliday: (d) => isHoliday(mpls, d),
};

describe('slots', () => {
  it('cuts each opening range into whole slots in the local time zone', () => {
    const slots = slotsOfDay(rules, '2026-12-01');
    expect(slots).toHaveLength(9 + 10);
    expect(slots[0]?.start.toISOString()).toBe('2026-12-01T15:00:00.000Z');
    expect(slots[8]?.end.toISOString()).toBe('2026-12-01T18:00:00.000Z');
    // 16:00–16:20 is the last slot of the afternoon; 16:20–16:40 would end after closing.
    expect(slots.at(-1)?.start.toISOString()).toBe('2026-12-01T22:00:00.000Z');
  });

  it('has no slots on holidays, closures and days without hours, and says why', () => {
    expect(closedReason(rules, '2026-12-01')).toBeNull();
    expect(closedReason(rules, '2026-12-15')).toBe('closure');
    expect(closedReason(rules, '2026-12-02')).toBe('no-hours');
    // Christmas 2029 is a Tuesday.
    expect(closedReason(rules, '2029-12-25')).toBe('holiday');
    expect(slotsOfDay(rules, '2029-12-25')).toEqual([]);
    expect(slotsOfDay(rules, '2026-12-05')).toHaveLength(3);
  });

  it('does not repeat a slot when ranges overlap, and checks that a start is on the grid', () => {
    const overlapping: DayRules = { ...rules, hours: [...rules.hours, { weekday: 2, opens: 540, closes: 600 }] };
    expect(slotsOfDay(overlapping, '2026-12-01')).toHaveLength(19);
    expect(isSlotStart(rules, '2026-12-01', new Date('2026-12-01T15:20:00.000Z'))).not.toBeNull();
    expect(isSlotStart(rules, '2026-12-01', new Date('2026-12-01T15:10:00.000Z'))).toBeNull();
  });

  it('lists dates inclusively', () => {
    expect(datesBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });
});

describe('slots across daylight-saving changes', () => {
  const open = (weekday: number): DayRules => ({ ...rules, isHoliday: () => false, closures: [], hours: [{ weekday, opens: 0, closes: 24 * 60 }], slotMinutes: 60 });
  it('never offers a slot that starts or ends in the skipped hour, and keeps real times around the changes', () => {
    const spring = slotsOfDay(open(0), '2026-03-08');
    // 02:00–03:00 does not exist: the slots touching it (01:00–02:00, 02:00–03:00) are not offered.
    expect(spring).toHaveLength(22);
    expect(spring.every((s) => s.end.getTime() - s.start.getTime() === 3_600_000)).toBe(true);
    expect(spring[1]?.start.toISOString()).toBe('2026-03-08T08:00:00.000Z'); // 03:00 CDT
    expect(spring[0]?.start.toISOString()).toBe('2026-03-08T06:00:00.000Z'); // 00:00 CST
    const autumn = slotsOfDay(open(0), '2026-11-01');
    // The repeated hour: 01:00 maps to its first occurrence only, so the day has 24 distinct slots.
    expect(autumn).toHaveLength(24);
    expect(new Set(autumn.map((s) => s.start.toISOString())).size).toBe(24);
    // An ordinary day uses the fast path and still lands on local wall times.
    expect(slotsOfDay(open(2), '2026-07-07')[9]?.start.toISOString()).toBe('2026-07-07T14:00:00.000Z');
  });
});
