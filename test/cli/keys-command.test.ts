import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.ts';
import { LocalFileKeyProvider } from '../../src/core/crypto/key-provider.ts';

/** `sanctuary keys …` end to end on a scratch SQLite install: exit codes, output, the key file and the vault. */

let dir: string;
let out: string[];
let err: string[];
const io = { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), tty: false };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-keys-cli-'));
  out = [];
  err = [];
  vi.stubEnv('DATA_DIR', path.join(dir, 'data'));
  vi.stubEnv('KEY_FILE', path.join(dir, 'keys', 'kek.json'));
  vi.stubEnv('LOG_LEVEL', 'silent');
  vi.stubEnv('DATABASE_URL', '');
  vi.stubEnv('SANCTUARY_KEK', '');
  vi.stubEnv('SANCTUARY_INDEX_KEY', '');
  vi.stubEnv('KEY_VAULT_URL', '');
  vi.stubEnv('BASE_URL', ''); // Vitest sets BASE_URL=/ for Vite; the app reads it as a URL
});

afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('status, rotate, destroy-old (refused, then done), generate and usage errors', async () => {
  const rc = await main(["migrate"], io);
  expect(rc, err.join("\n")).toBe(0);
  expect(await main(['keys', 'status'], io)).toBe(0);
  expect(out.join('\n')).toMatch(/Subjects:\s+0 live, 0 forgotten/);
  const keyFile = path.join(dir, 'keys', 'kek.json');
  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);
  expect(fs.statSync(path.join(dir, '.sanctuary-vault', 'subject-keys.db')).mode & 0o777).toBe(0o600);
  expect(fs.statSync(path.join(dir, '.sanctuary-vault')).mode & 0o777).toBe(0o700);

  const provider = new LocalFileKeyProvider({ path: keyFile, create: false });
  const first = await provider.currentKid();
  out = [];
  expect(await main(['keys', 'rotate', '--batch-size', '10'], io)).toBe(0);
  await provider.reload();
  const second = await provider.currentKid();
  expect(second).not.toBe(first);
  expect(out.join('\n')).toContain(`New KEK ${second} is current`);

  err = [];
  expect(await main(['keys', 'destroy-old', '--kid', second], io)).toBe(1);
  expect(err.join('\n')).toMatch(/current KEK/);
  out = [];
  expect(await main(['keys', 'destroy-old', '--kid', first], io)).toBe(0);
  expect(out.join('\n')).toContain(`KEK "${first}" destroyed.`);
  await provider.reload();
  expect((await provider.listKeks()).map((k) => k.id)).toEqual([second]);
  await provider.close();

  out = [];
  expect(await main(['keys', 'generate'], io)).toBe(0);
  expect(out[0]).toMatch(/^[0-9A-Z]{26}:[A-Za-z0-9_-]{43}$/);
  expect(await main(['keys', 'destroy-old'], io)).toBe(2);
  expect(await main(['keys', 'nonsense'], io)).toBe(2);
  expect(await main(['keys', 'rotate', '--batch-size', '0'], io)).toBe(2);
  expect(await main(['keys', 'reconcile'], io)).toBe(0);
});
