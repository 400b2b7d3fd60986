import { AppError } from './errors.ts';

const MAX_PAIRS = 200;
const MAX_VALUE = 10_000;
// C0 controls other than tab, line feed and carriage return; DEL; and unpaired surrogates are refused.
// Tab/newlines are allowed because free-text answers may hold them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const ENCODED = /[%+]/;

/** Refuses a key or value holding a control character or an unpaired surrogate: a translated 400. */
function refuseControl(s: string): void {
  if (CONTROL.test(s) || LONE_SURROGATE.test(s)) throw new AppError('bad_request', { messageKey: 'error.controlCharacters' });
}

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
    refuseControl(key);
    refuseControl(value);
    const prev = Object.hasOwn(out, key) ? out[key] : undefined;
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

/** How deep a JSON body may nest: the APIs take flat objects with short lists; deeper is an attack or a bug. */
const MAX_JSON_DEPTH = 32;

/**
 * Holds a parsed JSON body to the rules of {@link parseQuery}: no control characters or unpaired surrogates in
 * any key or string (a `\u0000` escape would otherwise slip past the form parser's check), no string over
 * the field limit, and no nesting deeper than {@link MAX_JSON_DEPTH}. Walks with its own stack, so a hostile
 * depth cannot exhaust the call stack here or in code that later walks the value.
 */
export function checkJsonBody(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  const checkString = (s: string) => {
    if (s.length > MAX_VALUE) throw new AppError('payload_too_large', { messageKey: 'error.fieldTooLong' });
    refuseControl(s);
  };
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v === 'string') checkString(v);
    else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) throw new AppError('bad_request', { messageKey: 'error.tooDeep' });
      if (Array.isArray(v)) {
        for (const item of v) stack.push([item, depth + 1]);
      } else {
        for (const [k, item] of Object.entries(v)) {
          checkString(k);
          stack.push([item, depth + 1]);
        }
      }
    }
  }
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
