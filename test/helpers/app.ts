import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import type { SanctuaryModule } from '../../src/core/modules/module.ts';
import { createLogger } from '../../src/core/log.ts';
import { type DialectName, type TestDatabase, createTestDatabase } from './db.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/** Builds the whole app on a fresh private database of the given dialect, with quiet logs. */
export async function createTestApp(
  dialect: DialectName,
  options: { env?: Record<string, string>; now?: () => Date; config?: Partial<Config>; modules?: readonly SanctuaryModule[]; poolSize?: number } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(dialect, { poolSize: options.poolSize });
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATA_DIR: path.join(database.dir, 'data'),
      KEY_FILE: path.join(database.dir, 'keys', 'kek.json'),
      LOG_LEVEL: 'silent',
      DEMO: 'false',
      RATE_LIMIT: 'false',
      ...options.env,
    },
    { database: database.target, ...options.config },
  );
  const built = await buildApp({
    config,
    db: database.db,
    logger: createLogger({ level: 'silent' }),
    now: options.now,
    ...(options.modules ? { modules: options.modules } : {}),
  });
  return {
    app: built.app,
    ctx: built.ctx,
    database,
    config,
    close: async () => {
      await built.close();
      await database.drop();
    },
  };
}

/** Cookie jar + CSRF token for a simulated browser against `app.inject`. */
export class TestBrowser {
  private readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly app: FastifyInstance) {}

  private store(setCookie: string | string[] | undefined): void {
    for (const c of ([] as string[]).concat(setCookie ?? [])) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = this.cookies.get('__Host-csrf');
    if (token) this.csrf = token;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Sets a cookie as if the server had (e.g. a session made by `test/helpers/staff.ts`). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /**
   * Makes sure this browser holds a CSRF token, as a person's browser does once it has shown any page with a
   * form (the sign-in page, or for a signed-in member of staff the staff home with its sign-out form): the
   * cookie is set only by pages that carry a form.
   */
  async withCsrf(): Promise<this> {
    if (!this.csrf) await this.get('/staff/login');
    if (!this.csrf) await this.get('/staff');
    return this;
  }

  /** Posts JSON the way `public/*.js` does: CSRF in the `x-csrf-token` header. */
  async postJson(url: string, body: unknown = {}, headers: Record<string, string> = {}) {
    await this.withCsrf();
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-csrf-token': this.csrf,
        cookie: this.cookieHeader(),
        ...headers,
      },
    });
    this.store(res.headers['set-cookie']);
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } });
    this.store(res.headers['set-cookie']);
    return res;
  }

  /** Posts a urlencoded form with the CSRF token (fetching one first if needed). */
  async post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
    await this.withCsrf();
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries({ _csrf: this.csrf, ...form })) {
      for (const item of ([] as string[]).concat(v)) body.append(k, item);
    }
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...headers },
    });
    this.store(res.headers['set-cookie']);
    return res;
  }
}
