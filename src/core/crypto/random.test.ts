import { describe, expect, it } from 'vitest';

import {
  CROCKFORD_ALPHABET,
  isRandomId,
  isValidReferenceCode,
  normalizeReferenceCode,
  randomId,
  randomIdTimestamp,
  randomNonce,
  randomToken,
  referenceCode,
} from './random.ts';

describe('randomId', () => {
  it('is 26 Crockford base32 characters and encodes its timestamp', () => {
    const now = Date.UTC(2025, 5, 1, 12, 0, 0, 123);
    const id = randomId({ now });
    expect(id).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(isRandomId(id)).toBe(true);
    expect(randomIdTimestamp(id).getTime()).toBe(now);
  });

  it('sorts by creation time, including many ids within the same millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => randomId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts by the timestamp across explicit times', () => {
    const times = [0, 1, 999, 1_000, 1_700_000_000_000, 2 ** 48 - 1];
    const ids = times.map((now) => randomId({ now }));
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps neighbouring ids unguessable: same-millisecond successors are not previous + 1', () => {
    const decode = (id: string): bigint => [...id].reduce((n, c) => n * 32n + BigInt(CROCKFORD_ALPHABET.indexOf(c)), 0n);
    const ids = Array.from({ length: 5_000 }, () => randomId());
    let sameMs = 0;
    for (let i = 1; i < ids.length; i++) {
      const prev = ids[i - 1] as string;
      const cur = ids[i] as string;
      if (prev.slice(0, 10) !== cur.slice(0, 10)) continue;
      sameMs++;
      expect(decode(cur) - decode(prev)).toBeGreaterThan(1n);
    }
    expect(sameMs).toBeGreaterThan(0);
    // Explicit times draw fresh randomness every time.
    expect(randomId({ now: 1 })).not.toBe(randomId({ now: 1 }));
  });

  it('rejects malformed ids and out-of-range times', () => {
    expect(isRandomId('8ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBe(false); // would overflow 128 bits
    expect(isRandomId('01ARZ3NDEKTSV4RRFFQ69G5FAI')).toBe(false); // I is not Crockford
    expect(() => randomIdTimestamp('nope')).toThrow(TypeError);
    expect(() => randomId({ now: -1 })).toThrow(RangeError);
    expect(() => randomId({ now: 2 ** 48 })).toThrow(RangeError);
  });
});

describe('referenceCode', () => {
  it('looks like XXXX-XXXX-XX without I, L, O or U', () => {
    for (let i = 0; i < 200; i++) {
      const code = referenceCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$/);
      expect(normalizeReferenceCode(code)).toBe(code);
    }
  });

  it('is tolerant of case, spacing, dashes and O/I/L confusions', () => {
    // Build a code containing 0 and 1 to exercise the confusions.
    let code = '';
    do code = referenceCode();
    while (!/[01]/.test(code));
    const sloppy = ` ${code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l')} `;
    expect(normalizeReferenceCode(sloppy)).toBe(code);
    expect(normalizeReferenceCode(code.replace(/-/g, ''))).toBe(code);
    expect(normalizeReferenceCode(code.replace(/1/g, 'I'))).toBe(code);
  });

  it('catches every single-character substitution', () => {
    for (let n = 0; n < 30; n++) {
      const symbols = referenceCode().replace(/-/g, '');
      for (let pos = 0; pos < 10; pos++) {
        for (const c of CROCKFORD_ALPHABET) {
          if (c === symbols[pos]) continue;
          const typo = symbols.slice(0, pos) + c + symbols.slice(pos + 1);
          expect(isValidReferenceCode(typo)).toBe(false);
        }
      }
    }
  });

  it('catches every adjacent transposition (including with the check character)', () => {
    for (let n = 0; n < 300; n++) {
      const symbols = referenceCode().replace(/-/g, '');
      for (let pos = 0; pos < 9; pos++) {
        if (symbols[pos] === symbols[pos + 1]) continue;
        const swapped = symbols.slice(0, pos) + symbols[pos + 1] + symbols[pos] + symbols.slice(pos + 2);
        expect(isValidReferenceCode(swapped)).toBe(false);
      }
    }
  });

  it('rejects wrong lengths and foreign symbols', () => {
    expect(normalizeReferenceCode('')).toBeNull();
    expect(normalizeReferenceCode('ABCD-EFGH-J')).toBeNull();
    expect(normalizeReferenceCode('ABCD-EFGH-JKM')).toBeNull();
    expect(normalizeReferenceCode('ABCD-EFGH-U0')).toBeNull();
    expect(normalizeReferenceCode('ABCD-EFGH-!0')).toBeNull();
  });

  it('spreads over the whole alphabet (no obvious bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3_000; i++) for (const c of referenceCode().replace(/-/g, '').slice(0, 9)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    for (const v of counts.values()) expect(v).toBeGreaterThan(27_000 / 32 / 2);
  });
});

describe('randomToken and nonces', () => {
  it('produces base64url tokens of the requested size, at least 128 bits', () => {
    expect(Buffer.from(randomToken(), 'base64url')).toHaveLength(32);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(() => randomToken(8)).toThrow(RangeError);
  });

  it('never repeats a nonce (R23: 1,000,000 draws across pool refills)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) seen.add(randomNonce().toString('latin1'));
    expect(seen.size).toBe(1_000_000);
  });
});
