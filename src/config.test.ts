import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has safe defaults for a fresh clone', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.baseUrl).toBe('http://localhost:3000');
    expect(c.database).toEqual({ kind: 'sqlite', file: path.resolve('data/sanctuary.db') });
    expect(c.jurisdiction).toBe('minneapolis');
    expect(c.demo).toBe(true);
    expect(c.secure).toBe(false);
    expect(c.keyFile.startsWith(c.dataDir + path.sep)).toBe(false);
  });

  it('switches to PostgreSQL for a postgres URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@h:5432/db' });
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', BASE_URL: 'ftp://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'BASE_URL']) expect(problems).toContain(name);
  });

  it('refuses a key file inside the data directory', () => {
    expect(() => loadConfig({ DATA_DIR: '/srv/data', KEY_FILE: '/srv/data/kek.json' })).toThrow(/KEY_FILE/);
  });

  it('turns on HSTS-relevant secure mode for https', () => {
    expect(loadConfig({ BASE_URL: 'https://id.example.gov/' }).secure).toBe(true);
  });

  it('DEMO=false is honoured', () => {
    expect(loadConfig({ DEMO: 'false' }).demo).toBe(false);
  });
});
