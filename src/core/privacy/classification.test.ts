import { describe, expect, it } from 'vitest';
import { ClassificationError, ClassificationRegistry, checkSchema, defineClassification, findForbidden } from './classification.ts';

describe('forbidden-field detection', () => {
  it.each([
    ['immigration_status', 'immigration-status'],
    ['visa_status', 'immigration-status'],
    ['is_undocumented', 'immigration-status'],
    ['citizenship', 'citizenship'],
    ['nationality', 'citizenship'],
    ['country_of_birth', 'country-of-birth'],
    ['birth_place', 'country-of-birth'],
    ['birthplace', 'country-of-birth'],
    ['ssn', 'ssn'],
    ['ssn_last4', 'ssn'],
    ['social_security_number', 'ssn'],
    ['itin', 'ssn'],
    ['a_number', 'a-number'],
    ['alien_number', 'a-number'],
    ['passport_number', 'document-number'],
    ['drivers_license_no', 'document-number'],
    ['id_photo', 'document-image'],
    ['document_scan', 'document-image'],
    ['attachment', 'document-image'],
    ['fingerprint', 'biometric'],
    ['face_template', 'biometric'],
  ])('%s is %s', (name, category) => {
    expect(findForbidden(name)).toContain(category);
  });

  it.each(['status', 'residency_verified', 'form_number', 'case_number', 'reference', 'name_idx', 'phone', 'preferred_language', 'visa_type', 'number_of_children', 'address'])(
    '%s is allowed',
    (name) => {
      expect(findForbidden(name)).toEqual([]);
    },
  );

  it('reads the purpose too', () => {
    expect(findForbidden('extra', 'Country of birth, for statistics')).toEqual(['country-of-birth']);
    expect(findForbidden('doc', 'A photo of the ID card')).toEqual(['document-image']);
    expect(findForbidden('note', 'Free-text note by staff')).toEqual([]);
  });
});

describe('ClassificationRegistry', () => {
  const table = (columns: Record<string, unknown>) =>
    defineClassification([{ table: 'people', class: 'private', purpose: 'People', retention: '30 days', columns: columns as never }]);

  it('refuses a forbidden field without a written legal need, accepts it (encrypted) with one', () => {
    const r = new ClassificationRegistry();
    expect(() => r.register('m', table({ id: 'Row id', a_number: { purpose: 'A-number', protection: 'encrypted' } }))).toThrow(/forbidden field \(a-number\)/);
    expect(() =>
      r.register('m', table({ id: 'Row id', a_number: { purpose: 'A-number', protection: 'plain', legalNeed: '8 CFR 1003.17: the EOIR-28 needs it' } })),
    ).toThrow(/must be encrypted/);
    r.register(
      'm',
      table({ id: 'Row id', a_number: { purpose: 'A-number', protection: 'encrypted', legalNeed: '8 CFR 1003.17: counsel files the EOIR-28 naming it' } }),
    );
    expect(r.get('people')?.columns.get('a_number')).toMatchObject({ forbidden: ['a-number'], class: 'private', retention: '30 days' });
  });

  it('lists every problem at once and refuses duplicates', () => {
    const r = new ClassificationRegistry();
    try {
      r.register('m', defineClassification([{ table: 'Bad', class: 'secret' as never, purpose: '', retention: '', subjectColumn: 'nope', columns: { citizenship: 'x' } }]));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ClassificationError);
      expect((err as ClassificationError).problems.length).toBeGreaterThanOrEqual(6);
    }
    r.register('a', table({ id: 'Row id' }));
    expect(() => r.register('b', table({ id: 'Row id' }))).toThrow(/classified twice/);
  });

  it('checkSchema finds unclassified tables and columns, missing ones, and binary columns', () => {
    const r = new ClassificationRegistry();
    r.register('m', table({ id: 'Row id', gone: 'Declared but dropped' }));
    const schema = new Map([
      ['people', new Map([['id', 'text'], ['photo_blob', 'blob'], ['extra', 'text']])],
      ['secret_table', new Map([['x', 'text']])],
    ]);
    const problems = checkSchema(r, schema, { dialect: 'sqlite' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/table secret_table is not classified/),
        expect.stringMatching(/people\.extra is not classified/),
        expect.stringMatching(/people\.photo_blob is binary/),
        expect.stringMatching(/people\.gone is classified by m but does not exist/),
      ]),
    );
    const typed = new ClassificationRegistry();
    typed.register('m', table({ id: 'Row id', name: { purpose: 'Name', protection: 'encrypted' } }));
    expect(checkSchema(typed, new Map([['people', new Map([['id', 'text'], ['name', 'integer']])]]), { dialect: 'sqlite' })).toEqual([
      'column people.name is declared encrypted but has type integer (sealed values and blind indexes are text)',
    ]);
    expect(checkSchema(r, new Map([['people', new Map([['id', 'bytea'], ['gone', 'text']])]]), { dialect: 'postgres' })).toEqual([
      'column people.id is binary (bytea): documents and blobs are never stored',
    ]);
  });
});
