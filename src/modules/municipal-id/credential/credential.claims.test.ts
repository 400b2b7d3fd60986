import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NAME_BYTES, buildClaims, cardFactsProblem, endOfLocalDay, isCalendarDate } from './credential.claims.ts';
import { SHC_PREFIX, assembleShcChunks, jwsToShc, parseShc } from './credential.codec.ts';
import { credentialQrMatrix } from './credential.qr.ts';
import { signCompactJws } from './credential.sign.ts';
import { publicJwkOf } from './issuer-keys.ts';

const card = { number: 'MPLS-123456-7', name: 'Hodan Cabdi Warsame', dateOfBirth: '1990-05-17', expiresOn: '2030-03-01' };

describe('card facts', () => {
  it('real calendar dates only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2025-04-31')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate('2025-1-01')).toBe(false);
  });

  it('refuses names that are empty, padded, too long, or carry control or direction-override characters', () => {
    expect(cardFactsProblem(card)).toBeNull();
    expect(cardFactsProblem({ ...card, name: ' Hodan' })).toMatch(/surrounding/);
    expect(cardFactsProblem({ ...card, name: 'x'.repeat(101) })).toMatch(/100 characters/);
    expect(cardFactsProblem({ ...card, name: '王'.repeat(81) })).toMatch(/240 bytes/);
    expect(cardFactsProblem({ ...card, name: '王'.repeat(80) })).toBeNull();
    expect(cardFactsProblem({ ...card, name: 'Hodan\u202eCabdi' })).toMatch(/control/);
    expect(cardFactsProblem({ ...card, name: 'Hodan\nCabdi' })).toMatch(/control/);
    expect(cardFactsProblem({ ...card, number: 'mpls-1' })).toMatch(/card number/);
    expect(cardFactsProblem({ ...card, expiresOn: '1980-01-01' })).toMatch(/after/);
  });

  it('exp is the end of the expiry day in the city, across DST', () => {
    // Minneapolis: UTC−6 in winter, UTC−5 in summer.
    expect(endOfLocalDay('2030-01-15', 'America/Chicago')).toBe(Date.UTC(2030, 0, 16, 6) / 1000);
    expect(endOfLocalDay('2030-07-15', 'America/Chicago')).toBe(Date.UTC(2030, 6, 16, 5) / 1000);
    // The day DST starts (2030-03-10): the next midnight is already CDT.
    expect(endOfLocalDay('2030-03-10', 'America/Chicago')).toBe(Date.UTC(2030, 2, 11, 5) / 1000);
    expect(endOfLocalDay('2030-03-09', 'America/Chicago')).toBe(Date.UTC(2030, 2, 10, 6) / 1000);
    expect(endOfLocalDay('2030-01-15', 'UTC')).toBe(Date.UTC(2030, 0, 16) / 1000);
  });

  it('the worst name the limits allow still fits one QR code of version ≤ 22', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = publicJwkOf(privateKey).kid;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0x4e00, max: 0x9fff }), { minLength: MAX_NAME_BYTES / 3, maxLength: MAX_NAME_BYTES / 3 }),
        (codes) => {
          const claims = buildClaims({ ...card, name: String.fromCodePoint(...codes) }, { iss: 'https://municipal-id.minneapolis.example.gov', nbf: 1764000000, exp: 1898000000, rid: 'q3Xh0bV7pS2LwZ9e' });
          return credentialQrMatrix(signCompactJws(claims, { kid, privateKey })).version <= 22;
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('shc:/ numeric codec', () => {
  it('round-trips any base64url-and-dots text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCxyz019-_.'.split('')), minLength: 1, maxLength: 1195 }), (jws) => {
        const parsed = parseShc(jwsToShc(jws));
        return parsed.ok && parsed.jws === jws;
      }),
    );
  });

  it('refuses what is not a card QR text, each with its reason', () => {
    expect(parseShc('shc:/')).toEqual({ ok: false, reason: 'qr_odd_length' });
    expect(parseShc('shc:/123')).toEqual({ ok: false, reason: 'qr_odd_length' });
    expect(parseShc('shc:/12a4')).toEqual({ ok: false, reason: 'qr_not_numeric' });
    expect(parseShc('shc:/12345a')).toEqual({ ok: false, reason: 'qr_not_numeric' });
    expect(parseShc('shc:/7800')).toEqual({ ok: false, reason: 'qr_value_out_of_range' });
    expect(parseShc('SHC:/0000')).toEqual({ ok: false, reason: 'qr_prefix' });
    expect(parseShc(`${SHC_PREFIX}${'00'.repeat(1196)}`)).toEqual({ ok: false, reason: 'qr_too_long' });
    expect(parseShc('shc:/1/2/0000')).toEqual({ ok: false, reason: 'qr_chunked' });
    expect(parseShc('shc:/01/2/0000', { allowChunks: true })).toEqual({ ok: false, reason: 'qr_chunk_invalid' });
  });

  it('assembles a chunked set by the spec rules', () => {
    const jws = 'A'.repeat(1500);
    const digits = jwsToShc(jws).slice(SHC_PREFIX.length);
    const half = digits.length / 2;
    const chunks = [`shc:/2/2/${digits.slice(half)}`, `shc:/1/2/${digits.slice(0, half)}`];
    expect(assembleShcChunks(chunks, { maxJwsChars: 16_384 })).toEqual({ ok: true, jws });
    expect(assembleShcChunks([chunks[0] ?? ''], { maxJwsChars: 16_384 })).toEqual({ ok: false, reason: 'qr_chunk_missing' });
    expect(assembleShcChunks([chunks[1] ?? '', chunks[1] ?? ''], { maxJwsChars: 16_384 })).toEqual({ ok: false, reason: 'qr_chunk_invalid' });
    expect(assembleShcChunks([`shc:/1/3/${digits.slice(0, half)}`, chunks[0] ?? ''], { maxJwsChars: 16_384 })).toEqual({ ok: false, reason: 'qr_chunk_invalid' });
  });
});
