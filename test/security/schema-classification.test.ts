import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allMigrations, classificationRegistry } from '../../src/app.ts';
import { KeyVaultStore } from '../../src/core/crypto/vault-store.ts';
import { migrateToLatest } from '../../src/core/db/migrator.ts';
import { checkSchema, findForbidden, type IntrospectedSchema } from '../../src/core/privacy/classification.ts';
import { introspectSchema } from '../../src/core/privacy/classification-introspect.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';

/**
 * R25/R27 and DESIGN §3.1: every table and column of the REAL schema — after every migration of core and
 * every module, on SQLite and PostgreSQL — is classified; nothing declared is missing; no binary column;
 * no forbidden field without a written legal need. The key vault's own database is checked the same way.
 */
describeEachDialect('schema classification', (dialect) => {
  let main: TestDatabase;
  let vaultDb: TestDatabase | undefined;
  let store: KeyVaultStore;
  let schema: IntrospectedSchema;
  let vaultSchema: IntrospectedSchema;

  beforeAll(async () => {
    main = await createTestDatabase(dialect);
    await migrateToLatest(main.db, allMigrations());
    schema = await introspectSchema(main.db.kysely as unknown as Kysely<unknown>, dialect);
    if (dialect === 'postgres') {
      vaultDb = await createTestDatabase('postgres');
      store = await KeyVaultStore.open(vaultDb.target);
    } else {
      store = await KeyVaultStore.open({ kind: 'sqlite', file: path.join(main.dir, 'keys', 'subject-keys.db') });
    }
    vaultSchema = await introspectSchema(store.db.kysely as unknown as Kysely<unknown>, dialect);
  });

  afterAll(async () => {
    await store?.close();
    await vaultDb?.drop();
    await main?.drop();
  });

  it('the registry of core and every module is valid (no forbidden field without a legal need)', () => {
    expect(() => classificationRegistry()).not.toThrow();
  });

  it('every table and column of the main database is classified, and every classified one exists', () => {
    expect(schema.size).toBeGreaterThan(3);
    expect(checkSchema(classificationRegistry(), schema, { dialect, database: 'main' })).toEqual([]);
  });

  it('every table and column of the key vault database is classified', () => {
    expect(vaultSchema.has('subject_keys')).toBe(true);
    expect(checkSchema(classificationRegistry(), vaultSchema, { dialect, database: 'vault' })).toEqual([]);
  });

  it('no real column is a forbidden field unless its declaration carries a legal need', () => {
    const registry = classificationRegistry();
    const offenders: string[] = [];
    for (const [table, columns] of schema) {
      for (const column of columns.keys()) {
        if (findForbidden(column).length === 0) continue;
        const declared = registry.get(table)?.columns.get(column);
        if (!declared?.legalNeed) offenders.push(`${table}.${column}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the check is real: an unclassified column added to the schema is caught', async () => {
    await main.db.kysely.schema.createTable('sneaky_intake').addColumn('id', 'text').addColumn('country_of_birth', 'text').execute();
    const withSneaky = await introspectSchema(main.db.kysely as unknown as Kysely<unknown>, dialect);
    const problems = checkSchema(classificationRegistry(), withSneaky, { dialect });
    expect(problems).toContain('table sneaky_intake is not classified');
    await main.db.kysely.schema.dropTable('sneaky_intake').execute();
  });
});
