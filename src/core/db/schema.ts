/**
 * The database schema as Kysely sees it. Core and every module add their tables to this interface by
 * declaration merging in their own `*.repo.ts` or `schema.ts`:
 *
 * ```ts
 * declare module '../../core/db/schema.ts' {
 *   interface Database { clinic_events: ClinicEventTable }
 * }
 * ```
 *
 * Portable column conventions (one choice each, the same on SQLite and PostgreSQL):
 * - ids: `text`, 26-character sortable random ids from `randomId()` (time-ordered, unguessable).
 * - timestamps: `text`, ISO 8601 UTC with milliseconds (`2026-11-26T23:45:00.000Z`), which sorts
 *   lexicographically and compares correctly on both databases; dates are `YYYY-MM-DD` text.
 * - booleans: `integer` 0/1.
 * - sealed (encrypted) personal values: `text` in the envelope format `s1.<key id>.<nonce>.<ciphertext>`.
 * - JSON: `text`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
