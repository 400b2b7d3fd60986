import type SQLite from 'better-sqlite3';
import type { BulkJob } from './sqlite-bulk.ts';

/** Runs a bulk job on `db` (outside any transaction) in a transaction of its own; returns the rows `sql` changed, per row. */
export function runJob(db: SQLite.Database, job: BulkJob): Uint8Array;
