/**
 * R23: nonces are never reused. One million real encryptions through `seal` (AES-256-GCM, the envelope format
 * every sealed column uses) under a single data key — the case where a repeated 96-bit nonce would be fatal —
 * and every nonce differs. Each value still opens in its own place, so the nonces collected are the ones used.
 */
import { expect, it } from 'vitest';
import { type SealContext, generateDataKey, openText, seal } from '../../src/core/crypto/envelope.ts';

const N = 1_000_000;

it(`never repeats a nonce over ${N.toLocaleString('en-US')} encryptions with one data key (R23)`, () => {
  const dek = generateDataKey();
  const where: SealContext = { table: 'office_requests', column: 'description', rowId: '01JABCDEFGHJKMNPQRSTVWXYZ0' };
  const seen = new Set<string>();
  let sample = '';
  for (let i = 0; i < N; i++) {
    const sealed = seal(dek, 'x', where);
    // `s1.<key id>.<nonce>.<ciphertext‖tag>`: the nonce is the third field.
    const c = sealed.lastIndexOf('.');
    seen.add(sealed.slice(sealed.lastIndexOf('.', c - 1) + 1, c));
    if (i === N - 1) sample = sealed;
  }
  expect(seen.size).toBe(N);
  expect(openText(dek, sample, where)).toBe('x');
  expect([...seen].every((n) => n.length === 16)).toBe(true);
}, 120_000);
