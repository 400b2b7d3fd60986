import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { checkJsonBody, decodeUtf8, parseQuery } from './query.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : 'other';
  }
  return undefined;
}

describe('checkJsonBody', () => {
  it('accepts ordinary bodies in any script, with newlines and tabs', () => {
    expect(codeOf(() => checkJsonBody({ name: 'Xaawo · محمد · 王小明 🙂', notes: 'a\r\n\tb', list: [1, true, null, { x: 'y' }] }))).toBeUndefined();
  });
  it('refuses NUL and other control characters, and unpaired surrogates, in values and in keys', () => {
    expect(codeOf(() => checkJsonBody({ givenName: 'Ma\u0000ria' }))).toBe('bad_request');
    expect(codeOf(() => checkJsonBody({ list: ['ok', '\u001b[31m'] }))).toBe('bad_request');
    expect(codeOf(() => checkJsonBody({ givenName: '\ud800' }))).toBe('bad_request');
    expect(codeOf(() => checkJsonBody({ givenName: 'x\udc00' }))).toBe('bad_request');
    expect(codeOf(() => checkJsonBody({ 'k\u0000': 'v' }))).toBe('bad_request');
    expect(codeOf(() => checkJsonBody({ emoji: '\ud83d\ude42' }))).toBeUndefined();
  });
  it('refuses deep nesting without exhausting the stack, and oversized strings', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(codeOf(() => checkJsonBody({ x: deep }))).toBe('bad_request');
    let ok: unknown = 'leaf';
    for (let i = 0; i < 32; i++) ok = [ok];
    expect(codeOf(() => checkJsonBody(ok))).toBeUndefined();
    expect(codeOf(() => checkJsonBody([ok]))).toBe('bad_request');
    expect(codeOf(() => checkJsonBody({ a: 'x'.repeat(10_001) }))).toBe('payload_too_large');
  });
});

describe('parseQuery', () => {
  it('parses pairs, pluses and repeated keys', () => {
    expect(parseQuery('a=1&b=hello+world&c=x&c=y&d')).toEqual({ a: '1', b: 'hello world', c: ['x', 'y'], d: '' });
  });
  it('keeps any script intact', () => {
    const value = 'Xaawo Maxamed · Txiv Neeb Vaj · محمد · 王小明 · Nguyễn';
    expect(parseQuery(`n=${encodeURIComponent(value)}`)).toEqual({ n: value });
  });
  it('refuses invalid percent-encoding and invalid UTF-8', () => {
    expect(codeOf(() => parseQuery('a=%E0%A4%A'))).toBe('bad_request');
    expect(codeOf(() => parseQuery('a=%FF'))).toBe('bad_request');
  });
  it('refuses control characters but keeps newlines', () => {
    expect(codeOf(() => parseQuery('a=%00'))).toBe('bad_request');
    expect(codeOf(() => parseQuery('a=%1B[31m'))).toBe('bad_request');
    expect(parseQuery('a=line1%0D%0Aline2')).toEqual({ a: 'line1\r\nline2' });
  });
  it('refuses too many fields and oversized values', () => {
    expect(codeOf(() => parseQuery(Array.from({ length: 201 }, (_, i) => `f${i}=1`).join('&')))).toBe('bad_request');
    expect(codeOf(() => parseQuery(`a=${'x'.repeat(10_001)}`))).toBe('payload_too_large');
  });
  it('drops prototype keys', () => {
    const out = parseQuery('__proto__=x&constructor=y&ok=1');
    expect(out).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it('treats names of Object.prototype members as ordinary keys', () => {
    expect(parseQuery('toString=1&hasOwnProperty=2&toString=3&valueOf=')).toEqual({ toString: ['1', '3'], hasOwnProperty: '2', valueOf: '' });
  });
  it('decodes strict UTF-8 bodies', () => {
    expect(decodeUtf8(Buffer.from('Soomaali ✓', 'utf8'))).toBe('Soomaali ✓');
    expect(codeOf(() => decodeUtf8(Buffer.from([0x61, 0xff, 0x62])))).toBe('bad_request');
  });
});
