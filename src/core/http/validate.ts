import { z } from 'zod';
import { AppError, type FieldError } from './errors.ts';

/** `area.thing[.more]`: dot-separated segments of letters, digits, `_` and `-`, the first starting with a letter. */
function isMessageKey(message: string): boolean {
  const segments = message.split('.');
  return segments.length >= 2 && /^[a-zA-Z]/.test(message) && segments.every((s) => /^[\w-]+$/.test(s));
}

/**
 * Validates input with a Zod schema. Failures become one `validation` AppError listing each field with a
 * message key, so pages can render a translated error summary that links to the fields.
 * Zod issue messages are expected to be message keys (`z.string().min(1, 'form.error.required')`);
 * anything else becomes a generic `form.error.invalid`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldError[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || '_';
    if (seen.has(field)) continue;
    seen.add(field);
    const key = isMessageKey(issue.message) ? issue.message : 'form.error.invalid';
    fields.push({ field, key });
  }
  throw new AppError('validation', { fields });
}

/** The string fields of an urlencoded form body, without the CSRF token (for re-showing a form with its answers). */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(formListValues(body))) if (typeof v === 'string') out[k] = v;
  return out;
}

/** {@link formValues} with the lists of repeated fields (checkboxes) kept: only strings and lists of strings. */
export function formListValues(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v;
  }
  return out;
}

/**
 * A whole number from a form field (digits only, surrounding spaces ignored) or a JSON integer, between `min`
 * and `max`; anything else is the field error `key`. Unlike `z.coerce.number()`, a blank field is not 0 and
 * "0x10" or "1e5" are not numbers.
 */
export function wholeNumber(key: string, min: number, max: number) {
  return z.union([z.string().trim().regex(/^\d{1,15}$/, key).transform(Number), z.number(key).int(key)], key).pipe(z.number().min(min, key).max(max, key));
}
