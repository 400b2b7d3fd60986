import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { type FieldDefinition, type FormDefinition, defineForm } from './form-definition.ts';
import { collectZodMessages, validateFormDefinition } from './form-validation.ts';

const privacy = { classification: 'private', purposeKey: 't.purpose', sensitive: false, encrypt: false } as const;

function form(overrides: Partial<FormDefinition> = {}, fields: FieldDefinition[] = []): FormDefinition {
  return defineForm({
    id: 'test-form',
    version: 1,
    titleKey: 't.title',
    purposeKey: 't.purpose',
    retention: { submissionDays: 30, basisKey: 't.basis' },
    whatNextKey: 't.next',
    steps: [
      { id: 'first', fields: [{ name: 'colour', type: 'radio', labelKey: 't.label', choices: [{ value: 'red', labelKey: 't.red' }], privacy }] },
      ...(fields.length > 0 ? [{ id: 'second', titleKey: 't.title', fields }] : []),
    ],
    onSubmit: async () => undefined,
    ...overrides,
  });
}

const known = new Set(['t.title', 't.purpose', 't.basis', 't.next', 't.label', 't.red', 't.rule', 't.legal']);
const check = (f: FormDefinition) => validateFormDefinition(f, { hasMessage: (k) => known.has(k) });

describe('validateFormDefinition', () => {
  it('accepts a sound form', () => {
    expect(check(form())).toEqual([]);
  });

  it('refuses message keys that are not in the catalogs', () => {
    const problems = check(form({ titleKey: 't.nope', whatNextKey: 'not a key' }));
    expect(problems.join('\n')).toMatch(/titleKey "t.nope" is not in the message catalogs/);
    expect(problems.join('\n')).toMatch(/whatNextKey "not a key" is not a message key/);
  });

  it('refuses Zod rule messages that are not message keys in the catalogs', () => {
    const f = form({}, [{ name: 'code', type: 'text', labelKey: 't.label', rule: z.string().regex(/^\d+$/, 't.missing'), privacy }]);
    expect(check(f).join('\n')).toMatch(/rule message "t.missing" is not in the message catalogs/);
    const ok = form({}, [{ name: 'code', type: 'text', labelKey: 't.label', rule: z.string().regex(/^\d+$/, 't.rule'), privacy }]);
    expect(check(ok)).toEqual([]);
  });

  it('refuses duplicate step ids, duplicate field names and reserved step ids', () => {
    const f = form({
      steps: [
        { id: 'check', fields: [{ name: 'a', type: 'text', labelKey: 't.label', privacy }] },
        { id: 'dup', fields: [{ name: 'a', type: 'text', labelKey: 't.label', privacy }] },
        { id: 'dup', fields: [{ name: 'b', type: 'text', labelKey: 't.label', privacy }] },
      ],
    });
    const text = check(f).join('\n');
    expect(text).toMatch(/step "check" id is reserved/);
    expect(text).toMatch(/step "dup" is declared twice/);
    expect(text).toMatch(/field "a" is declared twice/);
  });

  it('requires choices exactly for radio, checkbox and select, with unique values', () => {
    const f = form({}, [
      { name: 'pick', type: 'select', labelKey: 't.label', privacy },
      { name: 'free', type: 'text', labelKey: 't.label', choices: [{ value: 'x', labelKey: 't.red' }], privacy },
      { name: 'many', type: 'checkbox', labelKey: 't.label', choices: [{ value: 'x', labelKey: 't.red' }, { value: 'x', labelKey: 't.red' }], privacy },
    ]);
    const text = check(f).join('\n');
    expect(text).toMatch(/field "pick" \(select\) needs choices/);
    expect(text).toMatch(/field "free" \(text\) cannot have choices/);
    expect(text).toMatch(/choice "x" is declared twice/);
  });

  it('requires every sensitive field to be encrypted and every field to be classified', () => {
    const f = form({}, [
      { name: 'phone', type: 'tel', labelKey: 't.label', privacy: { ...privacy, sensitive: true, encrypt: false } },
      { name: 'other', type: 'text', labelKey: 't.label', privacy: { ...privacy, classification: 'secret' as never } },
    ]);
    const text = check(f).join('\n');
    expect(text).toMatch(/field "phone" is sensitive, so it must be encrypted/);
    expect(text).toMatch(/privacy classification "secret" is not one of/);
  });

  it('refuses questions DESIGN §3.1 forbids unless a legal need is declared', () => {
    for (const name of ['immigrationStatus', 'countryOfBirth', 'ssn', 'aNumber', 'citizenship', 'passportNumber', 'idPhoto']) {
      const f = form({}, [{ name, type: 'text', labelKey: 't.label', privacy: { ...privacy, sensitive: true, encrypt: true } }]);
      expect(check(f).join('\n'), name).toMatch(/forbids/);
    }
    const declared = form({}, [{ name: 'aNumber', type: 'text', labelKey: 't.label', privacy: { ...privacy, sensitive: true, encrypt: true, legalNeedKey: 't.legal' } }]);
    expect(check(declared)).toEqual([]);
    // Words inside other words do not count.
    const innocent = form({}, [{ name: 'businessName', type: 'text', labelKey: 't.label', privacy }]);
    expect(check(innocent)).toEqual([]);
  });

  it('walks the steps once to catch a next() that leads to an unknown step or loops', () => {
    const lost = form({ steps: [{ id: 'first', next: () => 'nowhere', fields: [{ name: 'a', type: 'text', labelKey: 't.label', privacy }] }] });
    expect(check(lost).join('\n')).toMatch(/leads to unknown step "nowhere"/);
    const loop = form({ steps: [{ id: 'first', next: () => 'first', fields: [{ name: 'a', type: 'text', labelKey: 't.label', privacy }] }] });
    expect(check(loop).join('\n')).toMatch(/reached twice/);
  });

  it('bounds maxLength and draft days', () => {
    const f = form({ retention: { submissionDays: 30, basisKey: 't.basis', draftDays: 365 } }, [
      { name: 'huge', type: 'textarea', labelKey: 't.label', maxLength: 50_000, privacy },
    ]);
    const text = check(f).join('\n');
    expect(text).toMatch(/maxLength must be from 1 to 10000/);
    expect(text).toMatch(/draftDays must be a whole number of days from 1 to 90/);
  });
});

describe('collectZodMessages', () => {
  it('finds constant messages through wrappers, pipes and checks', () => {
    const schema = z
      .string()
      .min(2, 'a.min')
      .max(9, { error: 'a.max' })
      .regex(/x/, 'a.regex')
      .optional()
      .pipe(z.string().refine(() => true, 'a.refine').optional());
    expect(collectZodMessages(schema).sort()).toEqual(['a.max', 'a.min', 'a.refine', 'a.regex']);
  });
});
