import { randomBytes } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  generateDataKey,
  open,
  openJson,
  openText,
  parseWrappedDataKey,
  rewrapDataKey,
  seal,
  sealJson,
  sealedKeyId,
  unwrapDataKey,
  wrapDataKey,
  type SealContext,
} from './envelope.ts';
import { DecryptError, KeyNotFoundError } from './errors.ts';
import { EnvKeyProvider } from './key-provider.ts';

const where: SealContext = { table: 'legal_defense_subjects', column: 'full_name', rowId: '01JABCDEFGHJKMNPQRSTVWXYZ0' };
const b64 = (): string => randomBytes(32).toString('base64url');

function expectDecryptError(fn: () => unknown, reason?: DecryptError['reason']): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DecryptError);
    if (reason) expect((err as DecryptError).reason).toBe(reason);
    return;
  }
  expect.unreachable('expected a DecryptError');
}

describe('seal / open', () => {
  it('round-trips strings (any Unicode) and buffers', () => {
    const dek = generateDataKey();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(openText(dek, seal(dek, text, where), where)).toBe(text);
      }),
      { numRuns: 300 },
    );
    const bytes = randomBytes(1024);
    expect(open(dek, seal(dek, bytes, where), where).equals(bytes)).toBe(true);
    expect(openText(dek, seal(dek, '', where), where)).toBe('');
  });

  it('produces the versioned compact format with the data key id', () => {
    const dek = generateDataKey();
    const sealed = seal(dek, 'José García', where);
    const parts = sealed.split('.');
    expect(parts).toHaveLength(4);
    expect(parts[0]).toBe('s1');
    expect(parts[1]).toBe(dek.id);
    expect(Buffer.from(parts[2] as string, 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[3] as string, 'base64url')).toHaveLength(Buffer.byteLength('José García') + 16);
    expect(sealed).not.toContain('Jos');
    expect(sealedKeyId(sealed)).toBe(dek.id);
  });

  it('uses a fresh nonce every time', () => {
    const dek = generateDataKey();
    const seen = new Set(Array.from({ length: 2_000 }, () => seal(dek, 'same', where).split('.')[2]));
    expect(seen.size).toBe(2_000);
  });

  it('fails when the ciphertext is moved to another row, column or table (AAD swap)', () => {
    const dek = generateDataKey();
    const sealed = seal(dek, 'A123456789', where);
    expectDecryptError(() => open(dek, sealed, { ...where, rowId: '01JABCDEFGHJKMNPQRSTVWXYZ1' }), 'authentication');
    expectDecryptError(() => open(dek, sealed, { ...where, column: 'a_number' }), 'authentication');
    expectDecryptError(() => open(dek, sealed, { ...where, table: 'tenants_complaints' }), 'authentication');
    // Separator games: the context is not ambiguous.
    expect(() => seal(dek, 'x', { ...where, table: 'a\0b' })).toThrow(TypeError);
  });

  it('fails with another data key, even if the key id is forged to match', () => {
    const dek = generateDataKey();
    const other = generateDataKey();
    const sealed = seal(dek, 'secret', where);
    expectDecryptError(() => open(other, sealed, where), 'key_mismatch');
    expectDecryptError(() => open({ id: dek.id, key: other.key }, sealed, where), 'authentication');
  });

  it('detects tampering anywhere in the nonce or ciphertext', () => {
    const dek = generateDataKey();
    const sealed = seal(dek, 'detention location: somewhere', where);
    const prefix = `s1.${dek.id}.`.length;
    fc.assert(
      fc.property(fc.integer({ min: prefix, max: sealed.length - 1 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), (pos, c) => {
        fc.pre(sealed[pos] !== c && sealed[pos] !== '.');
        const tampered = sealed.slice(0, pos) + c + sealed.slice(pos + 1);
        try {
          const out = open(dek, tampered, where);
          // Only a change in the unused low bits of the last base64 character can decode to the same bytes.
          expect(pos).toBe(sealed.length - 1);
          expect(out.toString()).toBe('detention location: somewhere');
        } catch (err) {
          expect(err).toBeInstanceOf(DecryptError);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('turns truncated or malformed input into DecryptError, never a crash', () => {
    const dek = generateDataKey();
    const sealed = seal(dek, 'x'.repeat(40), where);
    for (let n = 0; n < sealed.length; n++) expectDecryptError(() => open(dek, sealed.slice(0, n), where));
    const bad: unknown[] = [
      '',
      'garbage',
      's1',
      's1...',
      `s2.${dek.id}.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA`,
      `s1.${dek.id}.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.extra`,
      `s1.${dek.id}.AAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA`,
      `s1.${dek.id}.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAA`,
      `s1.${dek.id}.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA`,
      `s1.${dek.id}.AAAAAAAAAAAAAA==.AAAAAAAAAAAAAAAAAAAAAA`,
      `s1.${dek.id}.AAAAAAAAAAAAAAAA.AAAAAAAA+AAAAAAAAAAAAA`,
      `s1.bad id.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA`,
      null,
      42,
    ];
    for (const b of bad) expectDecryptError(() => open(dek, b as string, where));
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        expectDecryptError(() => open(dek, `s1.${dek.id}.${s}`, where));
      }),
      { numRuns: 500 },
    );
  });

  it('seals and opens JSON, optionally through a parser', () => {
    const dek = generateDataKey();
    const value = { name: 'Hodan', languages: ['so', 'en'], household: 4 };
    const sealed = sealJson(dek, value, where);
    expect(openJson(dek, sealed, where)).toEqual(value);
    const parsed = openJson(dek, sealed, where, (v) => {
      if (typeof v !== 'object' || v === null || !('household' in v)) throw new Error('bad shape');
      return v as { household: number };
    });
    expect(parsed.household).toBe(4);
    expectDecryptError(() => openJson(dek, seal(dek, 'not json', where), where), 'malformed');
    expectDecryptError(() => openText(dek, seal(dek, Buffer.from([0xff, 0xfe]), where), where), 'malformed');
    expect(() => sealJson(dek, undefined, where)).toThrow(TypeError);
  });
});

describe('wrapDataKey / unwrapDataKey', () => {
  const ctx = { subjectId: '01JSUBJECT00000000000000000', purpose: 'legal-defense' };

  it('round-trips and binds subject and purpose', async () => {
    const provider = new EnvKeyProvider({ kek: `k1:${b64()}`, indexKey: b64() });
    const dek = generateDataKey();
    const wrapped = await wrapDataKey(provider, dek, ctx);
    expect(wrapped).toMatch(/^w1\.[0-9A-Z]{26}\.k1\.[A-Za-z0-9_-]+$/);
    const back = await unwrapDataKey(provider, wrapped, ctx);
    expect(back.id).toBe(dek.id);
    expect(back.key.equals(dek.key)).toBe(true);
    await expect(unwrapDataKey(provider, wrapped, { ...ctx, subjectId: '01JSUBJECT00000000000000001' })).rejects.toBeInstanceOf(DecryptError);
    await expect(unwrapDataKey(provider, wrapped, { ...ctx, purpose: 'tenants' })).rejects.toBeInstanceOf(DecryptError);
    // The DEK id is bound too: a wrapped key relabelled with another id does not unwrap.
    const relabelled = wrapped.replace(dek.id, generateDataKey().id);
    await expect(unwrapDataKey(provider, relabelled, ctx)).rejects.toBeInstanceOf(DecryptError);
    await expect(unwrapDataKey(provider, 'w1.x', ctx)).rejects.toBeInstanceOf(DecryptError);
    await expect(unwrapDataKey(provider, `w9${wrapped.slice(2)}`, ctx)).rejects.toMatchObject({ reason: 'unsupported_version' });
  });

  it('rewraps under a new KEK; after the old KEK is dropped only rewrapped keys open (R22)', async () => {
    const k1 = b64();
    const k2 = b64();
    const ix = b64();
    const before = new EnvKeyProvider({ kek: `k1:${k1}`, indexKey: ix });
    const dek = generateDataKey();
    const sealed = seal(dek, 'Hodan Abdi', where);
    const wrapped = await wrapDataKey(before, dek, ctx);

    const during = new EnvKeyProvider({ kek: `k2:${k2},k1:${k1}`, indexKey: ix });
    const { wrapped: rewrapped, changed } = await rewrapDataKey(during, wrapped, ctx);
    expect(changed).toBe(true);
    expect(parseWrappedDataKey(rewrapped).kid).toBe('k2');
    expect(await rewrapDataKey(during, rewrapped, ctx)).toEqual({ wrapped: rewrapped, changed: false });

    const after = new EnvKeyProvider({ kek: `k2:${k2}`, indexKey: ix });
    const reopened = await unwrapDataKey(after, rewrapped, ctx);
    expect(openText(reopened, sealed, where)).toBe('Hodan Abdi');
    // An old backup still holding the k1-wrapped DEK can no longer be read.
    await expect(unwrapDataKey(after, wrapped, ctx)).rejects.toBeInstanceOf(KeyNotFoundError);
  });
});
