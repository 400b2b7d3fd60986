import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { AppError } from '../core/http/errors.ts';
import { createLogger } from '../core/log.ts';
import type { AppContext } from '../core/modules/context.ts';
import { MODULES } from '../modules/index.ts';

/**
 * Opens the app's services on the configured database for an admin command, which must find it migrated:
 * `table` is one the command works on, read once to say so plainly when the database is not set up.
 */
export async function withAppContext<T>(config: Config, table: 'auth_users' | 'auth_api_tokens', fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const built = await buildApp({ config, modules: MODULES, migrate: false, logger: createLogger({ level: 'silent' }) });
  try {
    try {
      await built.ctx.db.kysely.selectFrom(table).select('id').limit(1).execute();
    } catch {
      throw new Error('the database is not set up yet: run "sanctuary migrate" (or start the server once) first');
    }
    return await fn(built.ctx);
  } finally {
    await built.close();
  }
}

/** Turns a service error into a CLI message (exit 1), in English. */
export function describeError(err: unknown, ctx: AppContext): string {
  if (err instanceof AppError) {
    const t = ctx.messages.translator('en');
    const field = err.fields.map((f) => t(f.key, f.values)).join('; ');
    return field || (err.messageKey ? t(err.messageKey) : t(`error.${err.code}.body`));
  }
  return err instanceof Error ? err.message : String(err);
}
