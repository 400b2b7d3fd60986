import { describe, expect, it } from 'vitest';
import { BR, GZIP, acceptedCodings } from './compression.ts';

describe('acceptedCodings', () => {
  it('reads Accept-Encoding as RFC 9110 says', () => {
    const cases: Array<[string | undefined, number]> = [
      [undefined, 0],
      ['', 0],
      ['gzip, deflate, br, zstd', BR | GZIP],
      ['gzip, deflate', GZIP],
      ['br', BR],
      ['BR;Q=1', BR],
      ['x-gzip', GZIP],
      ['identity', 0],
      ['*', BR | GZIP],
      ['br;q=0, *', GZIP],
      ['*;q=0', 0],
      ['gzip;q=0, br;q=0.001', BR],
      ['gzip;q=0.0', 0],
      ['gzip;q=1.000', GZIP],
      // A malformed q is treated as absent (q=1), not as a refusal.
      ['gzip;q=2', GZIP],
      ['gzip;q=abc', GZIP],
      [' , ;, gzip ; q = 0.5 ', GZIP],
      ['deflate, zstd', 0],
    ];
    for (const [header, bits] of cases) expect(acceptedCodings(header), String(header)).toBe(bits);
    expect(acceptedCodings(['gzip', 'br'])).toBe(0);
  });

  it('answers the same for a header it has seen before, and for very long headers', () => {
    expect(acceptedCodings('gzip, br')).toBe(BR | GZIP);
    expect(acceptedCodings('gzip, br')).toBe(BR | GZIP);
    const long = `${'x-custom;q=0.5, '.repeat(100)}gzip`;
    expect(acceptedCodings(long)).toBe(GZIP);
    expect(acceptedCodings(long)).toBe(GZIP);
  });
});
