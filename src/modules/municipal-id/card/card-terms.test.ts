import { describe, expect, it } from 'vitest';
import { AppError } from '../../../core/http/errors.ts';
import { loadJurisdiction } from '../../../core/jurisdiction/index.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { DEFAULT_CARD_GRACE_DAYS, addYears, cardGraceDays, cardTerms } from './card.service.ts';

/** The two things the terms read from the context: the jurisdiction and the clock. */
function context(jurisdictionId: string, now: string): AppContext {
  return { jurisdiction: loadJurisdiction(jurisdictionId), now: () => new Date(now) } as unknown as AppContext;
}

describe('card terms: variant by age on the issue day, validity from the profile', () => {
  const ctx = context('minneapolis', '2026-12-02T18:00:00Z');

  it('youth, adult and senior cards from the profile’s age bands', () => {
    const bands = Object.fromEntries(ctx.jurisdiction.municipalId.variants.map((v) => [v.value.id, v.value]));
    expect(cardTerms(ctx, '2011-12-02')).toEqual({ variant: 'youth', issuedOn: '2026-12-02', expiresOn: addYears('2026-12-02', bands.youth?.validityYears ?? 0) });
    expect(cardTerms(ctx, '2008-12-03').variant).toBe('youth'); // 17 until tomorrow
    expect(cardTerms(ctx, '2008-12-02').variant).toBe('adult'); // 18 today
    expect(cardTerms(ctx, '1961-12-03').variant).toBe('adult');
    expect(cardTerms(ctx, '1961-12-02').variant).toBe('senior');
    expect(cardTerms(ctx, '1961-12-02').expiresOn).toBe(addYears('2026-12-02', bands.senior?.validityYears ?? 0));
  });

  it('refuses a person under the minimum age', () => {
    expect(() => cardTerms(ctx, '2013-12-03')).toThrow(AppError);
    expect(cardTerms(ctx, '2013-12-02').variant).toBe('youth');
  });

  it('uses the city’s date, not the server’s: late evening in Minneapolis is already tomorrow in UTC', () => {
    const evening = context('minneapolis', '2026-12-03T04:30:00Z'); // 22:30 on 2 December in Minneapolis
    expect(cardTerms(evening, '1990-01-01').issuedOn).toBe('2026-12-02');
  });

  it('adds years on the calendar, 29 February becoming 28 February', () => {
    expect(addYears('2028-02-29', 4)).toBe('2032-02-29');
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(addYears('2026-12-31', 4)).toBe('2030-12-31');
  });

  it('grace before forgetting a holder: the profile’s rule, else the default', () => {
    expect(cardGraceDays(ctx)).toBe(ctx.jurisdiction.retention['municipal-id.card-holder']?.value.maxDays ?? DEFAULT_CARD_GRACE_DAYS);
  });
});
