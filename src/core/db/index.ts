export * from './columns.ts';
export * from './database.ts';
export * from './migrator.ts';
export type { Database } from './schema.ts';
export * from './transaction.ts';
export * from './run-bulk.ts';
