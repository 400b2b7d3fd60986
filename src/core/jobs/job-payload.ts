/**
 * Job payloads sit in plain JSON in the database and in logs of failed jobs, so they must not carry personal
 * data. Enforced here: a payload is a small object whose values are ids, codes, ISO timestamps, numbers,
 * booleans, null, or small arrays/objects of those. A job that needs personal data receives the *id* of the
 * record and reads (and decrypts) it inside the handler.
 */
import { isRandomId } from '../crypto/random.ts';

export type JobValue = string | number | boolean | null | JobValue[] | { [key: string]: JobValue };
export type JobPayload = { [key: string]: JobValue };

const CODE = /^[a-z][a-z0-9._:-]{0,63}$/;
const FOUR_DIGITS = /\d{4}/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A code starts with a letter and holds no run of 4+ digits: no date, phone number or A-number fits. */
function isCode(v: string): boolean {
  return CODE.test(v) && !FOUR_DIGITS.test(v);
}
const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_BYTES = 4096;

/** A payload broke the rules; `path` says where. A programming error, never shown to users. */
export class JobPayloadError extends TypeError {
  constructor(readonly path: string, message: string) {
    super(`job payload ${path}: ${message}`);
    this.name = 'JobPayloadError';
  }
}

function check(value: unknown, path: string, depth: number): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new JobPayloadError(path, 'must be a finite number');
    return;
  }
  if (typeof value === 'string') {
    if (isRandomId(value) || isCode(value) || TIMESTAMP.test(value)) return;
    throw new JobPayloadError(path, 'strings must be ids, lower-case codes or ISO timestamps (toISOString) (no personal data in payloads)');
  }
  if (depth >= 4) throw new JobPayloadError(path, 'is nested too deeply');
  if (Array.isArray(value)) {
    if (value.length > 1000) throw new JobPayloadError(path, 'has more than 1000 items');
    value.forEach((v, i) => check(v, `${path}[${i}]`, depth + 1));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 50) throw new JobPayloadError(path, 'has more than 50 keys');
    for (const [k, v] of entries) {
      if (!KEY.test(k)) throw new JobPayloadError(`${path}.${k.slice(0, 20)}`, 'keys must be identifiers');
      check(v, `${path}.${k}`, depth + 1);
    }
    return;
  }
  throw new JobPayloadError(path, 'must be JSON (objects, arrays, strings, numbers, booleans, null)');
}

/**
 * Validates a payload and returns its JSON text.
 * @throws JobPayloadError
 */
export function encodeJobPayload(payload: JobPayload): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new JobPayloadError('$', 'must be an object');
  check(payload, '$', 0);
  const text = JSON.stringify(payload);
  if (Buffer.byteLength(text) > MAX_BYTES) throw new JobPayloadError('$', `is larger than ${MAX_BYTES} bytes`);
  return text;
}

/** Parses a stored payload (trusted: it was validated on the way in). */
export function decodeJobPayload(text: string): JobPayload {
  const v = JSON.parse(text) as unknown;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JobPayload) : {};
}
