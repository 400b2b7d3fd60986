import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { blindIndex, deriveIndexKey, deriveIndexKeyFromRoot, normalizeValue } from './blind-index.ts';
import { EnvKeyProvider } from './key-provider.ts';

const root = { id: 'ix1', key: randomBytes(32) };

describe('deriveIndexKey', () => {
  it('is HKDF-SHA-256 with a fixed salt and the index name as info', () => {
    const k = deriveIndexKeyFromRoot(root, 'legal_defense_subjects.a_number');
    const expected = Buffer.from(hkdfSync('sha256', root.key, 'sanctuary/blind-index/v1', 'legal_defense_subjects.a_number', 32));
    expect(k.key.equals(expected)).toBe(true);
    expect(k.rootId).toBe('ix1');
  });

  it('separates domains: two index names give unrelated keys and outputs', () => {
    const a = deriveIndexKeyFromRoot(root, 'municipal_id_applicants.name');
    const b = deriveIndexKeyFromRoot(root, 'tenants_complainants.name');
    expect(a.key.equals(b.key)).toBe(false);
    expect(blindIndex(a, 'Hodan Abdi')).not.toBe(blindIndex(b, 'Hodan Abdi'));
  });

  it('depends on the root key, and is deterministic for the same root', async () => {
    const other = deriveIndexKeyFromRoot({ id: 'ix2', key: randomBytes(32) }, 'x.name');
    expect(blindIndex(deriveIndexKeyFromRoot(root, 'x.name'), 'a')).toBe(blindIndex(deriveIndexKeyFromRoot(root, 'x.name'), 'a'));
    expect(blindIndex(other, 'a')).not.toBe(blindIndex(deriveIndexKeyFromRoot(root, 'x.name'), 'a'));
  });

  it('derives from a provider’s index root key, never from a KEK', async () => {
    const kek = randomBytes(32);
    const provider = new EnvKeyProvider({ kek: `k1:${kek.toString('base64url')}`, indexKey: `ix1:${root.key.toString('base64url')}` });
    const viaProvider = await deriveIndexKey(provider, 'x.name');
    expect(viaProvider.key.equals(deriveIndexKeyFromRoot(root, 'x.name').key)).toBe(true);
    expect(viaProvider.key.equals(deriveIndexKeyFromRoot({ id: 'k1', key: kek }, 'x.name').key)).toBe(false);
    // Deriving did not damage the provider's copy.
    expect((await deriveIndexKey(provider, 'x.name')).key.equals(viaProvider.key)).toBe(true);
  });

  it('rejects bad index names and root keys', () => {
    expect(() => deriveIndexKeyFromRoot(root, '')).toThrow(TypeError);
    expect(() => deriveIndexKeyFromRoot(root, 'Has Spaces')).toThrow(TypeError);
    expect(() => deriveIndexKeyFromRoot({ id: 'x', key: randomBytes(16) }, 'a.b')).toThrow(TypeError);
  });
});

describe('blindIndex', () => {
  const key = deriveIndexKeyFromRoot(root, 'test.value');

  it('is a keyed HMAC-SHA-256 truncated to the requested bits — never an unkeyed hash', () => {
    const value = 'hodan abdi';
    const full = createHmac('sha256', key.key).update(Buffer.from([0, 0, 0, value.length])).update(value).digest();
    expect(blindIndex(key, value)).toBe(full.subarray(0, 8).toString('hex'));
    expect(blindIndex(key, value, { bits: 32 })).toHaveLength(8);
    expect(blindIndex(key, value, { bits: 256 })).toBe(full.toString('hex'));
    expect(blindIndex(key, value, { bits: 128, encoding: 'base64url' })).toBe(full.subarray(0, 16).toString('base64url'));
    const unkeyed = createHash('sha256').update(value).digest('hex');
    expect(unkeyed.startsWith(blindIndex(key, value))).toBe(false);
  });

  it('rejects invalid bit counts and empty values', () => {
    for (const bits of [0, 4, 12, 264, 7.5]) expect(() => blindIndex(key, 'x', { bits })).toThrow(RangeError);
    expect(() => blindIndex(key, '   ')).toThrow(/store NULL/);
    expect(() => blindIndex(key, [])).toThrow(TypeError);
  });

  it('normalises text by default: NFKC, case folding, whitespace', () => {
    const idx = blindIndex(key, 'hodan abdi');
    for (const v of ['Hodan Abdi', '  HODAN   ABDI ', 'Ｈｏｄａｎ　Ａｂｄｉ', 'hodan\tabdi']) expect(blindIndex(key, v)).toBe(idx);
    expect(blindIndex(key, 'Straße')).toBe(blindIndex(key, 'STRASSE'));
    expect(blindIndex(key, 'hodan abdi!')).not.toBe(idx);
  });

  it('normalises names: accents, punctuation and spaces', () => {
    const n = { normalize: 'name' } as const;
    const idx = blindIndex(key, 'José Luis García', n);
    for (const v of ['jose luis garcia', 'JOSÉ-LUIS GARCÍA', 'Jose  Luis Garcia.', 'Jose\u0301 Luis Garci\u0301a', 'joseluisgarcia']) {
      expect(blindIndex(key, v, n)).toBe(idx);
    }
    expect(blindIndex(key, "O'Brien", n)).toBe(blindIndex(key, 'OBrien', n));
    expect(blindIndex(key, 'Nguyễn Văn Đức', n)).toBe(blindIndex(key, 'nguyen van duc', n));
    expect(blindIndex(key, 'Søren', n)).toBe(blindIndex(key, 'Soren', n));
    // Marks that are vowels in other scripts are kept: these names stay different.
    // (U+0902 anusvara and Thai U+0E34 are non-spacing marks, \p{Mn}, like Latin accents.)
    expect(normalizeValue('संजय', 'name')).not.toBe(normalizeValue('सजय', 'name'));
    expect(normalizeValue('สมศักดิ์', 'name')).toBe('สมศักดิ์');
  });

  it('normalises A-numbers, phones and e-mails', () => {
    const a = { normalize: 'aNumber' } as const;
    const idx = blindIndex(key, 'A123456789', a);
    for (const v of ['a-123-456-789', 'A 123 456 789', '123456789', 'A１２３４５６７８９']) expect(blindIndex(key, v, a)).toBe(idx);
    expect(blindIndex(key, 'A12345678', a)).toBe(blindIndex(key, 'A-012-345-678', a));
    expect(blindIndex(key, 'A12345678', a)).not.toBe(idx);
    expect(blindIndex(key, '(612) 555-0100', { normalize: 'phone' })).toBe(blindIndex(key, '612.555.0100', { normalize: 'phone' }));
    expect(blindIndex(key, ' Hodan@Example.ORG ', { normalize: 'email' })).toBe(blindIndex(key, 'hodan@example.org', { normalize: 'email' }));
    expect(blindIndex(key, 'AbC', { normalize: 'exact' })).not.toBe(blindIndex(key, 'abc', { normalize: 'exact' }));
    expect(blindIndex(key, 'x y', { normalize: ['remove-whitespace'] })).toBe(blindIndex(key, 'xy', { normalize: ['remove-whitespace'] }));
    expect(blindIndex(key, 'ABC', { normalize: (s) => s.toLowerCase() })).toBe(blindIndex(key, 'abc', { normalize: 'exact' }));
  });

  it('encodes compound values unambiguously', () => {
    expect(blindIndex(key, ['ab', 'c'])).not.toBe(blindIndex(key, ['a', 'bc']));
    expect(blindIndex(key, ['abc'])).toBe(blindIndex(key, 'abc'));
    expect(blindIndex(key, ['h', 'abdi'], { normalize: 'name' })).toBe(blindIndex(key, ['H', 'Abdi'], { normalize: 'name' }));
  });

  it('is idempotent under normalisation and collision-free on distinct inputs at 64 bits', () => {
    const presets = ['exact', 'text', 'name', 'email', 'phone', 'aNumber'] as const;
    const anyText = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
    fc.assert(
      fc.property(anyText, fc.constantFrom(...presets), (s, preset) => {
        const once = normalizeValue(s, preset);
        expect(normalizeValue(once, preset)).toBe(once);
      }),
      { numRuns: 20_000 },
    );
    // Found by this property: NFKC turns a spacing accent into space + combining mark.
    expect(normalizeValue('𝐀῝', 'name')).toBe('a');
    expect(normalizeValue('ẞ', 'text')).toBe('ss');
    expect(normalizeValue('㎁', 'text')).toBe('na');
    expect(normalizeValue('𐕰 ς', 'name')).toBe(normalizeValue(normalizeValue('𐕰 ς', 'name'), 'name'));
    expect(normalizeValue('ΟΔΥΣΣΕΥΣ', 'text')).toBe(normalizeValue('οδυσσευς', 'text'));
    expect(normalizeValue('Àﹲ ', 'name')).toBe(normalizeValue(normalizeValue('Àﹲ ', 'name'), 'name'));
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(blindIndex(key, `person ${i}`));
    expect(seen.size).toBe(20_000);
  });
});
