import { Writable } from 'node:stream';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/log.ts';
import type { SanctuaryModule } from '../../src/core/modules/module.ts';
import { TestBrowser } from '../helpers/app.ts';
import { type TestDatabase, createTestDatabase } from '../helpers/db.ts';

const CANARY = 'Ayaan Canary-9182';

/** A route that fails with CR/LF and a personal value in its message, and one that echoes nothing. */
const noisy: SanctuaryModule = {
  id: 'noisy',
  catalogs: { en: {}, es: {}, so: {}, hmn: {} },
  routes(app) {
    app.post('/test/fail', { config: { access: 'public' } }, async () => {
      throw new Error(`bad\r\n{"level":30,"msg":"forged entry"}\r\n`);
    });
    app.post('/test/ok', { config: { access: 'public' } }, async () => ({ ok: true }));
  },
};

/** R33: logs are one JSON object per line with UTC times, cannot be forged with CR/LF, and hold no input values. */
describe('logs', () => {
  const lines: string[] = [];
  let database: TestDatabase;
  let close: () => Promise<void>;
  let browser: TestBrowser;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    });
    const config = loadConfig(
      { NODE_ENV: 'test', DATA_DIR: path.join(database.dir, 'data'), KEY_FILE: path.join(database.dir, 'keys', 'kek.json'), DEMO: 'false', RATE_LIMIT: 'false' },
      { database: database.target },
    );
    const built = await buildApp({ config, db: database.db, logger: createLogger({ level: 'info', destination: sink }), modules: [noisy] });
    close = () => built.close();
    browser = new TestBrowser(built.app);
    await browser.post(`/test/ok?name=${encodeURIComponent(CANARY)}`, { name: CANARY, email: 'ayaan.9182@example.org' });
    await browser.post('/test/fail', { name: CANARY });
  });
  afterAll(async () => {
    await close();
    await database.drop();
  });

  it('are one JSON object per line with UTC timestamps, even when an error message holds CR/LF', () => {
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      const entry = JSON.parse(line) as { time?: string; msg?: string };
      expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(lines.some((l) => l.includes('unhandled error'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('{"level":30,"msg":"forged entry"'))).toEqual([]);
  });

  it('never contain request bodies or query strings', () => {
    const all = lines.join('\n');
    expect(all).not.toContain(CANARY);
    expect(all).not.toContain(encodeURIComponent(CANARY));
    expect(all).not.toContain('ayaan.9182');
    expect(all).toContain('"route":"/test/ok"');
  });
});
