import { describe, expect, it } from 'vitest';
import { negotiateLocale } from './locales.ts';
import { Messages } from './messages.ts';

describe('negotiateLocale', () => {
  it('honours quality values and regional tags', () => {
    expect(negotiateLocale('fr-FR,es-MX;q=0.8,en;q=0.5')).toBe('es');
    expect(negotiateLocale('so;q=0.9, hmn;q=1')).toBe('hmn');
    expect(negotiateLocale('de')).toBe('en');
    expect(negotiateLocale(undefined, ['es', 'en'])).toBe('es');
    expect(negotiateLocale('so', ['en', 'es'])).toBe('en');
  });
});

describe('Messages', () => {
  const messages = new Messages([
    {
      owner: 't',
      catalogs: {
        en: { 'a.count': '{n, plural, one {# person} other {# people}}', 'a.only': 'English only' },
        es: { 'a.count': '{n, plural, one {# persona} other {# personas}}', $review: 'x' },
        so: {},
        hmn: { 'a.count': '{n} tus neeg' },
      },
    },
  ]);
  it('formats ICU plurals per locale', () => {
    expect(messages.format('en', 'a.count', { n: 1 })).toBe('1 person');
    expect(messages.format('es', 'a.count', { n: 3 })).toBe('3 personas');
    expect(messages.format('hmn', 'a.count', { n: 3 })).toBe('3 tus neeg');
  });
  it('falls back to English, and shows unknown keys instead of crashing', () => {
    expect(messages.format('so', 'a.only')).toBe('English only');
    expect(messages.format('so', 'no.such.key')).toBe('no.such.key');
  });
  it('ignores $-metadata and refuses duplicate keys', () => {
    expect(messages.has('$review')).toBe(false);
    expect(
      () =>
        new Messages([
          { owner: 'a', catalogs: { en: { 'x.y': '1' }, es: {}, so: {}, hmn: {} } },
          { owner: 'b', catalogs: { en: { 'x.y': '2' }, es: {}, so: {}, hmn: {} } },
        ]),
    ).toThrow(/declared twice/);
  });
});

describe('Hmong dates', () => {
  const messages = new Messages([
    {
      owner: 't',
      catalogs: {
        en: { 'd.due': 'Due {when, date, long}', 'd.short': 'On {when, date, short} at {n}' },
        es: { 'd.due': 'Vence el {when, date, long}', 'd.short': 'El {when, date, short} a las {n}' },
        so: { 'd.due': 'Waqtiga {when, date, long}', 'd.short': '{when, date, short} {n}' },
        hmn: { 'd.due': 'Yuav tsum ua tiav {when, date, long}', 'd.short': '{when, date, short} thaum {n}' },
      },
    },
  ]);
  const when = new Date(2026, 10, 26, 12);
  it('uses Hmong month names, not English', () => {
    expect(messages.format('hmn', 'd.due', { when })).toBe('Yuav tsum ua tiav hnub tim 26 lub Kaum Ib Hlis xyoo 2026');
    expect(messages.format('hmn', 'd.short', { when, n: 3 })).toBe('11/26/2026 thaum 3');
    expect(messages.format('en', 'd.due', { when })).toBe('Due November 26, 2026');
    expect(messages.format('es', 'd.due', { when })).toContain('noviembre');
  });
});
