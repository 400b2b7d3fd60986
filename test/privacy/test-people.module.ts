import type { Kysely } from 'kysely';
import { randomId } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import type { Locale } from '../../src/core/i18n/locales.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import type { SanctuaryModule } from '../../src/core/modules/module.ts';
import type { DisclosureSource } from '../../src/core/privacy/demands.sources.ts';

/**
 * A small program module for tests of the demand gate: people with a sealed name and contact, and a
 * disclosure source that decrypts them through the vault. Real tables, real encryption — no mocks.
 */

interface TestPersonTable {
  id: string;
  subject_id: string;
  name_sealed: string;
  contact_sealed: string | null;
  contact_channel: string | null;
  locale: string;
}

declare module '../../src/core/db/schema.ts' {
  interface Database {
    test_people: TestPersonTable;
  }
}

const PROGRAM = 'test-people';
const at = (column: string, rowId: string) => ({ table: 'test_people', column, rowId });

const personSource: DisclosureSource = {
  program: PROGRAM,
  recordType: 'person',
  labelKey: 'test-people.record.person',
  async exists(db, recordId) {
    return (await db.selectFrom('test_people').select('id').where('id', '=', recordId).executeTakeFirst()) !== undefined;
  },
  async load(ctx, db, recordId) {
    const row = await db.selectFrom('test_people').selectAll().where('id', '=', recordId).executeTakeFirst();
    if (!row) return null;
    return {
      name: await ctx.vault.open(row.subject_id, row.name_sealed, at('name_sealed', row.id)),
      contact: row.contact_sealed ? await ctx.vault.open(row.subject_id, row.contact_sealed, at('contact_sealed', row.id)) : null,
    };
  },
  async contact(ctx, db, recordId) {
    const row = await db.selectFrom('test_people').selectAll().where('id', '=', recordId).executeTakeFirst();
    if (!row?.contact_sealed || !row.contact_channel) return null;
    return {
      channel: row.contact_channel as 'email' | 'sms',
      to: await ctx.vault.open(row.subject_id, row.contact_sealed, at('contact_sealed', row.id)),
      locale: row.locale as Locale,
      subjectId: row.subject_id,
    };
  },
};

const catalog = { 'program.test-people.title': 'Test people', 'test-people.record.person': 'Person' };

export const testPeopleModule: SanctuaryModule = {
  id: PROGRAM,
  catalogs: { en: catalog, es: { ...catalog, 'program.test-people.title': 'Personas de prueba' }, so: catalog, hmn: catalog },
  migrations: {
    '209901010000_test_people': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('test_people')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('subject_id', 'text', (c) => c.notNull())
          .addColumn('name_sealed', 'text', (c) => c.notNull())
          .addColumn('contact_sealed', 'text')
          .addColumn('contact_channel', 'text')
          .addColumn('locale', 'text', (c) => c.notNull())
          .execute();
      },
    },
  },
  disclosureSources: [personSource],
  classification: [
    {
      table: 'test_people',
      class: 'private',
      purpose: 'People of the test program',
      retention: 'For the length of a test',
      subjectColumn: 'subject_id',
      columns: {
        id: 'Random id',
        subject_id: 'The person (vault subject)',
        name_sealed: { purpose: 'What to call the person', protection: 'encrypted' },
        contact_sealed: { purpose: 'Email address or phone number', protection: 'encrypted' },
        contact_channel: 'Email or SMS',
        locale: 'Language for notices',
      },
    },
  ],
};

/** Adds a person with a sealed name (and contact) and returns the record id. */
export async function addTestPerson(
  ctx: AppContext,
  person: { name: string; email?: string; phone?: string; locale?: Locale },
): Promise<{ id: string; subjectId: string }> {
  return inTransaction(ctx.db, async (tx) => {
    const id = randomId();
    const subjectId = await ctx.vault.createSubject(tx, PROGRAM);
    const contact = person.email ?? person.phone ?? null;
    await tx
      .insertInto('test_people')
      .values({
        id,
        subject_id: subjectId,
        name_sealed: await ctx.vault.seal(subjectId, person.name, at('name_sealed', id)),
        contact_sealed: contact === null ? null : await ctx.vault.seal(subjectId, contact, at('contact_sealed', id)),
        contact_channel: person.email ? 'email' : person.phone ? 'sms' : null,
        locale: person.locale ?? 'en',
      })
      .execute();
    return { id, subjectId };
  });
}
