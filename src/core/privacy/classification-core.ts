import { type TableDeclaration, defineClassification } from './classification.ts';

const migratorTables = (database: 'main' | 'vault'): TableDeclaration[] => [
  {
    table: 'schema_migrations',
    database,
    class: 'public',
    purpose: 'Which schema migrations have been applied (Kysely migrator)',
    retention: 'For the life of the database',
    columns: { name: 'Migration name', timestamp: 'When it was applied' },
  },
  {
    table: 'schema_migration_lock',
    database,
    class: 'public',
    purpose: 'Lock row so that only one instance migrates at a time',
    retention: 'For the life of the database',
    columns: { id: 'Lock id', is_locked: 'Whether a migration is running' },
  },
];

/** Classification of the bookkeeping tables every database has (main and key vault). */
export const migratorClassification = defineClassification([...migratorTables('main'), ...migratorTables('vault')]);
