import { AppError } from './errors.ts';

const MAX_PAIRS = 200;
const MAX_VALUE = 10_000;
// C0 controls other than tab, line feed and carriage return; DEL; and unpaired surrogates are refused.
// Tab/newlines are allowed because free-text answers may hold them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const ENCODED = /[%+]/;

function decode(part: string): string {
  if (!ENCODED.test(part)) return part;
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new AppError('bad_request', { messageKey: 'error.badEncoding' });
  }
}

/**
 * Parses `application/x-www-form-urlencoded` bodies and query strings strictly: invalid percent-encoding
 * or UTF-8, control characters, too many fields or oversized values are a 400 with a translated message
 * — never silently mangled. Repeated keys become arrays. Prototype keys are dropped.
 */
export function parseQuery(input: string): Record<string, string | string[]> {
  // A plain object: prototype keys are dropped below, and own-property checks keep `toString` & co. out.
  const out: Record<string, string | string[]> = {};
  if (!input) return out;
  const pairs = input.split('&');
  if (pairs.length > MAX_PAIRS) throw new AppError('bad_request', { messageKey: 'error.tooManyFields' });
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (key.length > 100 || value.length > MAX_VALUE) throw new AppError('payload_too_large', { messageKey: 'error.fieldTooLong' });
    if (CONTROL.test(key) || CONTROL.test(value) || LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) {
      throw new AppError('bad_request', { messageKey: 'error.controlCharacters' });
    }
    const prev = Object.hasOwn(out, key) ? out[key] : undefined;
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a request body as strict UTF-8: invalid bytes are a 400, never replacement characters. */
export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new AppError('bad_request', { messageKey: 'error.badEncoding' });
  }
}
