import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildIcs, escapeText, foldLine } from './ics.ts';

describe('iCalendar writer', () => {
  it('escapes backslash, semicolon, comma and newlines', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });

  it('folds at 75 octets without splitting a UTF-8 sequence', () => {
    const line = `SUMMARY:${'Ballamaha aqoonsiga ee magaalada — ballan '.repeat(5)}ẅ𝄞`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(75);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(folded).not.toContain('\uFFFD');
  });

  it('writes a file a real parser reads back, with CRLF line endings', () => {
    const text = buildIcs({
      prodId: '-//Sanctuary//Appointments//EN',
      method: 'PUBLISH',
      events: [
        {
          uid: '01JABCDEFGHJKMNPQRSTVWXYZ0@example.org',
          stamp: new Date('2026-11-27T15:00:00Z'),
          start: new Date('2026-12-01T15:00:00Z'),
          end: new Date('2026-12-01T15:20:00Z'),
          summary: 'Ballanta kaarka aqoonsiga, City Hall; qolka 1\\2',
          location: 'City Hall, 350 S 5th St, Minneapolis, MN 55415',
          description: 'Keen dukumentiyadaada.\nWaqti wanaagsan.',
          sequence: 2,
          status: 'CONFIRMED',
          language: 'so',
        },
      ],
    });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const vevent = ICAL.Component.fromString(text).getFirstSubcomponent('vevent');
    expect(vevent).not.toBeNull();
    const event = new ICAL.Event(vevent as ICAL.Component);
    expect(event.uid).toBe('01JABCDEFGHJKMNPQRSTVWXYZ0@example.org');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-01T15:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-01T15:20:00.000Z');
    expect(event.summary).toBe('Ballanta kaarka aqoonsiga, City Hall; qolka 1\\2');
    expect(event.location).toBe('City Hall, 350 S 5th St, Minneapolis, MN 55415');
    expect(event.description).toBe('Keen dukumentiyadaada.\nWaqti wanaagsan.');
    expect(event.sequence).toBe(2);
    expect(vevent?.getFirstProperty('summary')?.getParameter('language')).toBe('so');
    expect(vevent?.getFirstPropertyValue('dtstamp')?.toString()).toBe('2026-11-27T15:00:00Z');
  });
});
