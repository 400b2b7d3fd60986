import { describe, expect, it } from 'vitest';

import { generateTotp, generateTotpSecret, totpStep, totpUri, verifyTotp } from './totp.ts';

// RFC 6238 Appendix B, SHA-1 rows: seed "12345678901234567890" (ASCII), T0 = 0, X = 30, 8 digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of the ASCII seed
const RFC_VECTORS: [seconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('RFC 6238 test vectors', () => {
  it.each(RFC_VECTORS)('T = %i s → %s (8 digits)', (seconds, code) => {
    expect(generateTotp(RFC_SECRET, { now: seconds * 1000, digits: 8 })).toBe(code);
  });

  it.each(RFC_VECTORS)('T = %i s → verifies the 6-digit code (last 6 digits)', (seconds, code) => {
    const six = code.slice(2);
    expect(generateTotp(RFC_SECRET, { now: seconds * 1000 })).toBe(six);
    expect(verifyTotp(RFC_SECRET, six, { now: seconds * 1000 })).toEqual({ step: Math.floor(seconds / 30), delta: 0 });
  });
});

describe('verifyTotp', () => {
  const secret = generateTotpSecret();
  const t = Date.UTC(2025, 0, 15, 9, 30, 10);
  const step = totpStep(t);

  it('makes 160-bit base32 secrets', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
  });

  it('accepts the current code and ±1 step of clock skew, returning the matched step', () => {
    expect(verifyTotp(secret, generateTotp(secret, { now: t }), { now: t })).toEqual({ step, delta: 0 });
    expect(verifyTotp(secret, generateTotp(secret, { now: t - 30_000 }), { now: t })).toEqual({ step: step - 1, delta: -1 });
    expect(verifyTotp(secret, generateTotp(secret, { now: t + 30_000 }), { now: t })).toEqual({ step: step + 1, delta: 1 });
    expect(verifyTotp(secret, generateTotp(secret, { now: t - 60_000 }), { now: t })).toBeNull();
    expect(verifyTotp(secret, generateTotp(secret, { now: t + 60_000 }), { now: t })).toBeNull();
    expect(verifyTotp(secret, generateTotp(secret, { now: t - 60_000 }), { now: t, window: 2 })).toMatchObject({ delta: -2 });
    expect(verifyTotp(secret, generateTotp(secret, { now: t - 30_000 }), { now: t, window: 0 })).toBeNull();
  });

  it('rejects a replay of the same step (and earlier steps) via afterStep', () => {
    const code = generateTotp(secret, { now: t });
    const first = verifyTotp(secret, code, { now: t });
    expect(first).not.toBeNull();
    // Same code again, 10 s later, in the same step: refused once the caller passes the last used step.
    expect(verifyTotp(secret, code, { now: t + 10_000, afterStep: first?.step })).toBeNull();
    expect(verifyTotp(secret, generateTotp(secret, { now: t - 30_000 }), { now: t, afterStep: first?.step })).toBeNull();
    // The next step's code is still accepted.
    const next = generateTotp(secret, { now: t + 30_000 });
    expect(verifyTotp(secret, next, { now: t + 30_000, afterStep: first?.step })).toEqual({ step: step + 1, delta: 0 });
    // A far-future afterStep (clock moved back) rejects without throwing.
    expect(verifyTotp(secret, code, { now: t, afterStep: step + 100 })).toBeNull();
  });

  it('tolerates spaces and dashes, rejects anything that is not 6 digits', () => {
    const code = generateTotp(secret, { now: t });
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, { now: t })).not.toBeNull();
    expect(verifyTotp(secret, `${code.slice(0, 3)}-${code.slice(3)}`, { now: t })).not.toBeNull();
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code}0`, ' ', '１２３４５６x']) expect(verifyTotp(secret, bad, { now: t })).toBeNull();
    expect(verifyTotp(secret, code === '000000' ? '000001' : '000000', { now: t, window: 0 })).toBeNull();
  });

  it('accepts a Date for now and validates the window', () => {
    expect(verifyTotp(secret, generateTotp(secret, { now: new Date(t) }), { now: new Date(t) })).toEqual({ step, delta: 0 });
    expect(() => verifyTotp(secret, '123456', { window: -1 })).toThrow(RangeError);
    expect(() => verifyTotp(secret, '123456', { window: 1.5 })).toThrow(RangeError);
  });
});

describe('totpUri', () => {
  it('builds an otpauth:// URI authenticator apps understand', () => {
    const uri = totpUri({ issuer: 'Sanctuary Minneapolis', account: 'hodan.abdi@minneapolismn.gov', secret: RFC_SECRET });
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Sanctuary Minneapolis:hodan.abdi@minneapolismn.gov');
    expect(url.searchParams.get('secret')).toBe(RFC_SECRET);
    expect(url.searchParams.get('issuer')).toBe('Sanctuary Minneapolis');
    expect(['SHA1', null]).toContain(url.searchParams.get('algorithm'));
    expect(['6', null]).toContain(url.searchParams.get('digits'));
    expect(['30', null]).toContain(url.searchParams.get('period'));
    expect(() => totpUri({ issuer: 'a:b', account: 'x', secret: RFC_SECRET })).toThrow(TypeError);
  });
});
