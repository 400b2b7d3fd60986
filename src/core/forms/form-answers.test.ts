import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from './form-definition.ts';
import { displayAnswer, inputFromAnswers, inputNamesOf, parseField, unknownInputs } from './form-answers.ts';

const privacy = { classification: 'private', purposeKey: 'p.p', sensitive: false, encrypt: false } as const;
const field = (f: Partial<FieldDefinition> & Pick<FieldDefinition, 'type'>): FieldDefinition => ({ name: 'q', labelKey: 'l.l', privacy, ...f });
const choices = [
  { value: 'a', labelKey: 'c.a' },
  { value: 'b', label: 'Bee' },
];
const value = (r: ReturnType<typeof parseField>) => ('value' in r ? r.value : undefined);
const error = (r: ReturnType<typeof parseField>) => ('error' in r ? r.error : undefined);

describe('parseField', () => {
  it('normalises text and refuses blanks unless optional', () => {
    expect(value(parseField(field({ type: 'text' }), { q: '  Ana \n  María ' }, []))).toBe('Ana María');
    expect(error(parseField(field({ type: 'text' }), { q: '   ' }, []))?.key).toBe('form.error.required');
    expect(error(parseField(field({ type: 'text', requiredKey: 'x.req' }), {}, []))?.key).toBe('x.req');
    expect(parseField(field({ type: 'text', optional: true }), { q: '' }, [])).toEqual({ value: undefined });
  });

  it('keeps line breaks in a textarea, as \\n, and counts length after that', () => {
    expect(value(parseField(field({ type: 'textarea' }), { q: 'one\r\ntwo\r\n' }, []))).toBe('one\ntwo');
    const tooLong = parseField(field({ type: 'textarea', maxLength: 5 }), { q: 'abcdef' }, []);
    expect(error(tooLong)).toEqual({ field: 'q', key: 'forms.error.tooLong', values: { max: 5 } });
    expect(value(parseField(field({ type: 'textarea', maxLength: 5 }), { q: 'ab\r\ncd' }, []))).toBe('ab\ncd');
  });

  it('applies the default maxLength of the type', () => {
    expect(error(parseField(field({ type: 'text' }), { q: 'x'.repeat(201) }, []))?.key).toBe('forms.error.tooLong');
    expect(value(parseField(field({ type: 'text' }), { q: 'x'.repeat(200) }, []))).toHaveLength(200);
  });

  it('checks e-mail, phone and number formats', () => {
    expect(error(parseField(field({ type: 'email' }), { q: 'no-at-sign' }, []))?.key).toBe('forms.error.email');
    expect(value(parseField(field({ type: 'email' }), { q: 'ana@example.org' }, []))).toBe('ana@example.org');
    // The modules' request schemas use Zod's rule; the step uses the same, so submission never refuses what a step took.
    expect(error(parseField(field({ type: 'email' }), { q: 'ä@example.com' }, []))?.key).toBe('forms.error.email');
    expect(error(parseField(field({ type: 'email' }), { q: 'ana@@example.org' }, []))?.key).toBe('forms.error.email');
    expect(error(parseField(field({ type: 'tel' }), { q: 'call me' }, []))?.key).toBe('forms.error.tel');
    expect(error(parseField(field({ type: 'tel' }), { q: '12' }, []))?.key).toBe('forms.error.tel');
    expect(value(parseField(field({ type: 'tel' }), { q: '+1 (612) 555-0100' }, []))).toBe('+1 (612) 555-0100');
    expect(value(parseField(field({ type: 'number' }), { q: '42' }, []))).toBe(42);
    expect(error(parseField(field({ type: 'number' }), { q: '4e2' }, []))?.key).toBe('forms.error.number');
  });

  it('accepts only offered choices', () => {
    expect(value(parseField(field({ type: 'radio' }), { q: 'b' }, choices))).toBe('b');
    expect(error(parseField(field({ type: 'radio' }), { q: 'zzz' }, choices))?.key).toBe('form.error.invalid');
    expect(error(parseField(field({ type: 'select' }), { q: ['a', 'b'] }, choices))?.key).toBe('form.error.invalid');
    expect(value(parseField(field({ type: 'checkbox' }), { q: ['b', 'a', 'b'] }, choices))).toEqual(['a', 'b']);
    expect(error(parseField(field({ type: 'checkbox' }), { q: ['a', 'x'] }, choices))?.key).toBe('form.error.invalid');
    expect(error(parseField(field({ type: 'checkbox' }), {}, choices))?.key).toBe('form.error.required');
  });

  it('reads a date from three inputs and refuses impossible or partial dates', () => {
    const d = field({ type: 'date' });
    expect(value(parseField(d, { 'q-day': '7', 'q-month': '3', 'q-year': '1990' }, []))).toBe('1990-03-07');
    expect(error(parseField(d, { 'q-day': '31', 'q-month': '2', 'q-year': '2024' }, []))?.key).toBe('forms.error.date');
    expect(error(parseField(d, { 'q-day': '1', 'q-month': '', 'q-year': '2024' }, []))?.key).toBe('forms.error.dateIncomplete');
    expect(error(parseField(d, { 'q-day': 'x', 'q-month': '1', 'q-year': '2024' }, []))?.key).toBe('forms.error.date');
    expect(error(parseField(d, {}, []))?.key).toBe('form.error.required');
    expect(value(parseField(field({ type: 'date', dateStyle: 'single' }), { q: '2024-02-29' }, []))).toBe('2024-02-29');
    expect(error(parseField(field({ type: 'date', dateStyle: 'single' }), { q: '2023-02-29' }, []))?.key).toBe('forms.error.date');
    // Years outside 1900–2199 are not dates anyone means (core/dates.ts, the same rule the modules apply).
    expect(error(parseField(d, { 'q-day': '1', 'q-month': '1', 'q-year': '1899' }, []))?.key).toBe('forms.error.dateYear');
    expect(value(parseField(d, { 'q-day': '1', 'q-month': '1', 'q-year': '1900' }, []))).toBe('1900-01-01');
    expect(error(parseField(field({ type: 'date', dateStyle: 'single' }), { q: '0001-01-01' }, []))?.key).toBe('forms.error.dateYear');
  });

  it("runs the field's own rule, whose message is a key and whose output is stored", () => {
    const f = field({ type: 'text', rule: z.string().regex(/^[A-Z]{2}\d{4}$/, 'x.format').transform((s) => s.toLowerCase()) });
    expect(error(parseField(f, { q: 'nope' }, []))?.key).toBe('x.format');
    expect(value(parseField(f, { q: 'AB1234' }, []))).toBe('ab1234');
  });

  it('refuses a repeated name for a one-value field', () => {
    expect(error(parseField(field({ type: 'text' }), { q: ['a', 'b'] }, []))?.key).toBe('form.error.invalid');
  });
});

describe('inputs', () => {
  const step = { id: 's', fields: [field({ type: 'date', name: 'born' }), field({ type: 'text', name: 'name' })] };

  it('lists the input names of a step and finds unknown ones', () => {
    expect(inputNamesOf(step.fields[0]!)).toEqual(['born-day', 'born-month', 'born-year']);
    expect(unknownInputs(step, { _csrf: 'x', _action: 'save', name: 'a', 'born-day': '1', isAdmin: 'true' })).toEqual(['isAdmin']);
  });

  it('turns stored answers back into the inputs of the page', () => {
    expect(inputFromAnswers(step, { born: '1990-03-07', name: 'Ana' })).toEqual({ 'born-day': '7', 'born-month': '3', 'born-year': '1990', name: 'Ana' });
  });

  it('displays answers for the check page in the reader\'s language', () => {
    const t = (k: string) => `[${k}]`;
    expect(displayAnswer(field({ type: 'radio' }), 'a', choices, t, 'en')).toBe('[c.a]');
    expect(displayAnswer(field({ type: 'radio' }), 'b', choices, t, 'en')).toBe('Bee');
    expect(displayAnswer(field({ type: 'checkbox' }), ['a', 'b'], choices, t, 'en')).toBe('[c.a], Bee');
    expect(displayAnswer(field({ type: 'date' }), '1990-03-07', [], t, 'es')).toBe('7 de marzo de 1990');
    expect(displayAnswer(field({ type: 'text' }), undefined, [], t, 'en')).toBeUndefined();
  });
});
