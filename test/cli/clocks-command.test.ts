import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.ts';
import { ClockService } from '../../src/core/clocks/clocks.service.ts';
import { openDatabase } from '../../src/core/db/database.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { loadJurisdiction } from '../../src/core/jurisdiction/index.ts';

/** `sanctuary clocks …` on a scratch SQLite install: counts, recomputation, usage errors. */

let dir: string;
let out: string[];
let err: string[];
const io = { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), tty: false };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-clocks-cli-'));
  out = [];
  err = [];
  vi.stubEnv('DATA_DIR', path.join(dir, 'data'));
  vi.stubEnv('KEY_FILE', path.join(dir, 'keys', 'kek.json'));
  vi.stubEnv('LOG_LEVEL', 'silent');
  vi.stubEnv('DATABASE_URL', '');
  vi.stubEnv('SANCTUARY_KEK', '');
  vi.stubEnv('SANCTUARY_INDEX_KEY', '');
  vi.stubEnv('KEY_VAULT_URL', '');
  vi.stubEnv('BASE_URL', '');
  vi.stubEnv('JURISDICTION', 'minneapolis');
});

afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('counts open clocks, recomputes them, and refuses bad arguments', async () => {
  expect(await main(['clocks', 'status'], io)).toBe(1); // not migrated yet
  expect(err.join('\n')).toMatch(/pending migration/);
  expect(await main(['migrate'], io), err.join('\n')).toBe(0);
  out = [];
  expect(await main(['clocks', 'status'], io)).toBe(0);
  expect(out.join('\n')).toMatch(/Open clocks \(profile minneapolis [\d.]+\):\n {2}none/);

  // A clock started by a service running an older profile (another time zone): stale until recomputed.
  const file = fs.readdirSync(path.join(dir, 'data')).find((f) => f.endsWith('.db'));
  const db = openDatabase({ kind: 'sqlite', file: path.join(dir, 'data', file as string) });
  const older = new ClockService({ db, now: () => new Date(), jurisdiction: loadJurisdiction('testville') });
  await inTransaction(db, (tx) => older.startClock(tx, { owner: 'u-visa', recordType: 'request', recordId: 'R1', rules: ['biaAppeal'], start: new Date() }));
  await db.close();

  out = [];
  expect(await main(['clocks', 'status', '--json'], io)).toBe(0);
  expect(JSON.parse(out.join('\n'))).toMatchObject({ jurisdiction: 'minneapolis', open: [{ owner: 'u-visa', status: 'running', count: 1, stale: 1 }] });
  out = [];
  expect(await main(['clocks', 'recompute', '--stale', '--json'], io)).toBe(0);
  expect(JSON.parse(out.join('\n'))).toMatchObject({ scanned: 1, changed: 1 });
  out = [];
  expect(await main(['clocks', 'recompute'], io)).toBe(0);
  expect(out.join('\n')).toMatch(/Recomputed 1 open clock\(s\) in \d+ ms: 0 due date\(s\) changed\./);
  out = [];
  expect(await main(['clocks', 'status'], io)).toBe(0);
  expect(out.join('\n')).toMatch(/u-visa: 1 running$/m);

  expect(await main(['clocks'], io)).toBe(2);
  expect(await main(['clocks', 'status', '--stale'], io)).toBe(2);
  expect(await main(['clocks', 'recompute', 'now'], io)).toBe(2);
});
