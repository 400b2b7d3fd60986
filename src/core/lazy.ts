import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package loaded on first use instead of at start. For packages that a running instance may never
 * need (the PostgreSQL driver on SQLite, QR and image codecs until the first card or upload): each costs
 * start-up time and resident memory for every instance that does not (issue 2's cold start and idle memory).
 *
 *   const pg = lazyRequire<typeof import('pg')>('pg');   …   new (pg().Pool)(…)
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  // The id is a package name written at each call site, never input.
  // eslint-disable-next-line security/detect-non-literal-require
  return () => (loaded ??= require(id) as T);
}
