import { describe, expect, it } from 'vitest';

import {
  PASSWORD_HASH_PARAMS,
  checkPasswordPolicy,
  commonPasswordList,
  hashPassword,
  needsRehash,
  parseArgon2idParams,
  verifyPassword,
} from './passwords.ts';

const codes = (pw: string, ctx?: Parameters<typeof checkPasswordPolicy>[1]): string[] => checkPasswordPolicy(pw, ctx).map((p) => p.code);

describe('argon2id hashing', () => {
  it('produces $argon2id$v=19$m=19456 (t=2, p=1) with a random 16-byte salt, and verifies', async () => {
    const pw = 'correct horse battery staple';
    const h1 = await hashPassword(pw);
    const h2 = await hashPassword(pw);
    // node-argon2 writes the parameters as m,p,t.
    expect(h1).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parseArgon2idParams(h1)).toEqual({ version: 19, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(h1).not.toBe(h2);
    expect(PASSWORD_HASH_PARAMS).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(await verifyPassword(h1, pw)).toBe(true);
    expect(await verifyPassword(h1, 'correct horse battery stapler')).toBe(false);
    expect(await verifyPassword(h1, '')).toBe(false);
    expect(needsRehash(h1)).toBe(false);
  });

  it('normalises (NFKC) so the same password typed differently matches, and never truncates', async () => {
    const h = await hashPassword('café au lait 2024');
    expect(await verifyPassword(h, 'cafe\u0301 au lait 2024')).toBe(true);
    const long = 'x'.repeat(100);
    const hl = await hashPassword(long);
    expect(await verifyPassword(hl, 'x'.repeat(99))).toBe(false);
    expect(await verifyPassword(hl, 'x'.repeat(101))).toBe(false);
  });

  it('answers false (not an exception) for unknown users, corrupt hashes and huge inputs', async () => {
    expect(await verifyPassword(null, 'anything at all')).toBe(false);
    expect(await verifyPassword(undefined, 'anything at all')).toBe(false);
    expect(await verifyPassword('$argon2id$garbage', 'anything at all')).toBe(false);
    const h = await hashPassword('a reasonable passphrase');
    expect(await verifyPassword(h, 'y'.repeat(10_000))).toBe(false);
    await expect(hashPassword('')).rejects.toThrow(TypeError);
  });

  it('flags weaker or foreign hashes for rehash', () => {
    const salt = 'c29tZXNhbHRzb21lc2FsdA';
    const hash = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
    expect(needsRehash(`$argon2id$v=19$m=19456,t=2,p=1$${salt}$${hash}`)).toBe(false);
    expect(needsRehash(`$argon2id$v=19$m=19456,p=1,t=2$${salt}$${hash}`)).toBe(false);
    expect(needsRehash(`$argon2id$v=19$m=65536,t=3,p=4$${salt}$${hash}`)).toBe(false);
    expect(needsRehash(`$argon2id$v=19$m=19456,t=2$${salt}$${hash}`)).toBe(true);
    expect(needsRehash(`$argon2id$v=19$m=4096,t=3,p=1$${salt}$${hash}`)).toBe(true);
    expect(needsRehash(`$argon2id$v=19$m=19456,t=1,p=1$${salt}$${hash}`)).toBe(true);
    expect(needsRehash(`$argon2id$v=16$m=19456,t=2,p=1$${salt}$${hash}`)).toBe(true);
    expect(needsRehash(`$argon2i$v=19$m=19456,t=2,p=1$${salt}$${hash}`)).toBe(true);
    expect(needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
    expect(needsRehash('')).toBe(true);
  });
});

describe('password policy', () => {
  it('accepts 12 characters with no composition rules', () => {
    expect(codes('lakeharbourx')).toEqual([]); // 12 lower-case letters
    expect(codes('purple monkey dishwasher')).toEqual([]);
    expect(codes('tres tristes tigres')).toEqual([]);
  });

  it('counts Unicode code points after NFC, so emoji and accents count as one', () => {
    expect(codes('🐢🐢🦊🐙🐳🦉🐝🦋🐞🐌🦀🐬')).toEqual([]); // 12 emoji = 12 code points (24 UTF-16 units)
    expect(codes('🐢🦊🐙🐳🦉🐝🦋🐞🐌🦀🐬')).toContain('too_short'); // 11
    const decomposed = 'e\u0301'.repeat(6) + 'abcdq'; // 6 × "é" (NFC: 6 code points) + 5 = 11
    expect(checkPasswordPolicy(decomposed)).toContainEqual({ code: 'too_short', min: 12, length: 11 });
    expect(checkPasswordPolicy('short')).toContainEqual({ code: 'too_short', min: 12, length: 5 });
  });

  it('allows 64 and 128 characters, refuses more than 128', () => {
    const pw = (n: number): string => Array.from({ length: n }, (_, i) => 'abcdefghijkmnpqrstuvwxyz'[(i * 7) % 24]).join('');
    expect(codes(pw(64))).toEqual([]);
    expect(codes(pw(128))).toEqual([]);
    expect(checkPasswordPolicy(pw(129))).toContainEqual({ code: 'too_long', max: 128, length: 129 });
  });

  it('rejects common passwords from the bundled list, in any case, and padded variants', () => {
    expect(commonPasswordList().size).toBeGreaterThan(10_000);
    for (const pw of ['password1234', 'Password1234', 'qwertyuiop123', '1q2w3e4r5t6y', 'iloveyou2024', 'minneapolis1', 'P@ssw0rd1234']) {
      expect(codes(pw), pw).toContain('common');
    }
    for (const pw of ['sunshine2024!', '!!sunshine!!', 'football12345', 'Minnesota2025', 'dragon19901231']) {
      expect(codes(pw), pw).toContain('common');
    }
    // A listed word with a long, unpredictable addition is allowed.
    expect(codes('sunshine over the lake')).toEqual([]);
  });

  it('rejects repetitive and sequential passwords', () => {
    for (const pw of ['aaaaaaaaaaaa', 'abababababab', 'abcabcabcabc', '123412341234', 'abcdefghijklm', 'zyxwvutsrqpon', 'qwertyuiopasdf', 'xyxyxyzzzzzz']) {
      const c = codes(pw);
      expect(c.includes('repetitive') || c.includes('common'), pw).toBe(true);
    }
  });

  it('rejects passwords equal to or containing the e-mail address (or its local part)', () => {
    const email = 'Hodan.Abdi@minneapolismn.gov';
    expect(codes('hodan.abdi@minneapolismn.gov', { email })).toContain('contains_email');
    expect(codes('my hodan.abdi@minneapolismn.gov!', { email })).toContain('contains_email');
    expect(codes('HODAN.ABDI rocks forever', { email })).toContain('contains_email');
    expect(codes('an unrelated passphrase', { email })).toEqual([]);
    expect(codes('an unrelated passphrase', { email: 'al@x.org' })).toEqual([]); // short local parts are not matched
    expect(codes('i work at sanctuary now', { words: ['Sanctuary', 'Hodan'] })).toContain('contains_personal_info');
  });
});
