import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { openDatabase } from './core/db/database.ts';
import { JobWorker } from './core/jobs/job-worker.ts';
import { createLogger } from './core/log.ts';
import { MODULES } from './modules/index.ts';

/**
 * Starts the service: migrate, (on a new demo database) seed, listen, and shut down gracefully on
 * SIGTERM/SIGINT — stop accepting, finish in-flight requests, close the database.
 */
export async function serve(config: Config, options: { onListening?: (url: string) => void; print?: (line: string) => void } = {}): Promise<() => Promise<void>> {
  const log = createLogger({ level: config.logLevel });
  const db = openDatabase(config.database, { onConnectionError: (err) => log.warn({ errorCode: (err as Error & { code?: string }).code }, 'database connection closed by the server') });
  const built = await buildApp({ config, db, modules: MODULES, logger: log });
  const { app, ctx, fresh } = built;
  const { seedDemoIfNew } = await import('./core/demo/demo.ts');
  await seedDemoIfNew(ctx, { fresh, modules: MODULES, print: options.print ?? ((l) => process.stderr.write(`${l}\n`)) });
  await app.listen({ port: config.port, host: config.host });
  // Background jobs (purges, backups, notices, checkpoints): every instance runs a worker; the queue runs each job once.
  const worker = config.jobWorker ? new JobWorker({ queue: ctx.jobs, ctx }) : undefined;
  worker?.start();
  const url = config.baseUrl;
  options.onListening?.(url);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    ctx.log.info('shutting down');
    // Stop taking jobs and let running ones finish before the database closes.
    await worker?.stop(20_000);
    await built.close();
    await db.close();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void shutdown().then(() => process.exit(0));
    });
  }
  return shutdown;
}
