/**
 * The app as a benchmark measures it in-process: built on a fresh SQLite database in a temporary directory,
 * configured as production runs (no demo data, no rate limit, silent logs), without the background job worker
 * (whose work would land in the figures), optionally on a fixed clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/core/log.ts';
import type { AppContext } from '../src/core/modules/context.ts';

export interface BenchApp {
  app: FastifyInstance;
  ctx: AppContext;
  /** The temporary directory (data, key file); removed by {@link BenchApp.close}. */
  dir: string;
  close(): Promise<void>;
}

/** Builds the app for benchmark `label` (names the temporary directory). */
export async function startBenchApp(label: string, options: { now?: () => Date } = {}): Promise<BenchApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sanctuary-bench-${label}-`));
  const config = loadConfig({
    NODE_ENV: 'production',
    DATA_DIR: path.join(dir, 'data'),
    KEY_FILE: path.join(dir, 'keys', 'kek.json'),
    DATABASE_URL: `sqlite:${path.join(dir, 'data', 'sanctuary.db')}`,
    LOG_LEVEL: 'silent',
    DEMO: 'false',
    RATE_LIMIT: 'false',
    JOB_WORKER: 'false',
  });
  fs.mkdirSync(config.dataDir, { recursive: true });
  const built = await buildApp({ config, logger: createLogger({ level: 'silent' }), ...(options.now ? { now: options.now } : {}) });
  return {
    app: built.app,
    ctx: built.ctx,
    dir,
    close: async () => {
      await built.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal browser for `app.inject`: cookies and the CSRF token. */
export class Jar {
  readonly #cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}
  #header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  #store(setCookie: string | string[] | undefined): void {
    for (const c of ([] as string[]).concat(setCookie ?? [])) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(c)) this.#cookies.delete(pair.slice(0, eq));
      else this.#cookies.set(pair.slice(0, eq), value);
    }
  }
  async get(url: string): Promise<number> {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.#header() } });
    this.#store(res.headers['set-cookie']);
    return res.statusCode;
  }
  async post(url: string, form: Record<string, string | string[]>): Promise<number> {
    const body = new URLSearchParams();
    body.append('_csrf', this.#cookies.get('__Host-csrf') ?? '');
    for (const [k, v] of Object.entries(form)) for (const item of ([] as string[]).concat(v)) body.append(k, item);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.#header() },
    });
    this.#store(res.headers['set-cookie']);
    return res.statusCode;
  }
}
