import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DecryptError, KeyConfigError, KeyNotFoundError } from './errors.ts';
import { EnvKeyProvider, generateKeyString, LocalFileKeyProvider, parseKeyList } from './key-provider.ts';

const posix = process.platform !== 'win32';
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sanctuary-keys-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const aad = Buffer.from('subject-1');

describe('LocalFileKeyProvider', () => {
  it('creates the key file 0600 in a new 0700 directory on first use', async () => {
    const file = path.join(dir, 'nested', 'keys', 'sanctuary.keys.json');
    const provider = new LocalFileKeyProvider({ path: file });
    const kid = await provider.currentKid();
    expect(kid).toMatch(/^[0-9A-Z]{26}$/);
    if (posix) {
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    }
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as { format: string; version: number; kek: { current: string } };
    expect(json).toMatchObject({ format: 'sanctuary-keys', version: 1, kek: { current: kid } });
    // No temp or lock files left behind.
    expect(await fs.readdir(path.dirname(file))).toEqual(['sanctuary.keys.json']);
  });

  it('wraps and unwraps, binding the AAD, and persists across instances', async () => {
    const file = path.join(dir, 'k.json');
    const a = new LocalFileKeyProvider({ path: file });
    const dek = randomBytes(32);
    const wrapped = await a.wrap(dek, aad);
    const b = new LocalFileKeyProvider({ path: file });
    expect((await b.unwrap(wrapped, aad)).equals(dek)).toBe(true);
    await expect(b.unwrap(wrapped, Buffer.from('subject-2'))).rejects.toBeInstanceOf(DecryptError);
    const tampered = { kid: wrapped.kid, blob: Buffer.from(wrapped.blob) };
    tampered.blob[20] = (tampered.blob[20] as number) ^ 1;
    await expect(b.unwrap(tampered, aad)).rejects.toBeInstanceOf(DecryptError);
    await expect(b.unwrap({ kid: wrapped.kid, blob: wrapped.blob.subarray(0, 10) }, aad)).rejects.toBeInstanceOf(DecryptError);
    await expect(b.unwrap({ kid: 'nope', blob: wrapped.blob }, aad)).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('refuses a key file readable by group or others, with a clear message', async () => {
    const file = path.join(dir, 'k.json');
    await new LocalFileKeyProvider({ path: file }).currentKid();
    await fs.chmod(file, 0o644);
    const provider = new LocalFileKeyProvider({ path: file });
    await expect(provider.currentKid()).rejects.toThrow(/mode 0644.*chmod 600/s);
    await expect(provider.currentKid()).rejects.toBeInstanceOf(KeyConfigError);
    await fs.chmod(file, 0o640);
    await expect(provider.currentKid()).rejects.toThrow(/0640/);
    // Fixing the mode makes the same instance usable (failures are not cached).
    await fs.chmod(file, 0o600);
    await expect(provider.currentKid()).resolves.toMatch(/^[0-9A-Z]{26}$/);
  });

  it('does not create a file when create is false, and rejects corrupt files', async () => {
    const file = path.join(dir, 'missing.json');
    await expect(new LocalFileKeyProvider({ path: file, create: false }).currentKid()).rejects.toMatchObject({ code: 'ENOENT' });
    await fs.writeFile(file, '{"format":"sanctuary-keys","version":1,"kek":{"current":"x","keys":[]}}', { mode: 0o600 });
    await expect(new LocalFileKeyProvider({ path: file }).currentKid()).rejects.toBeInstanceOf(KeyConfigError);
    await fs.writeFile(file, 'not json');
    await expect(new LocalFileKeyProvider({ path: file }).currentKid()).rejects.toThrow(/not valid JSON/);
    await fs.writeFile(file, '{"format":"sanctuary-keys","version":2}');
    await expect(new LocalFileKeyProvider({ path: file }).currentKid()).rejects.toThrow(/version 2/);
  });

  it('creates exactly one key file when many instances start at once', async () => {
    const file = path.join(dir, 'race', 'k.json');
    const providers = Array.from({ length: 8 }, () => new LocalFileKeyProvider({ path: file }));
    const kids = await Promise.all(providers.map((p) => p.currentKid()));
    expect(new Set(kids).size).toBe(1);
    const wrapped = await providers[0]!.wrap(randomBytes(32), aad);
    for (const p of providers) await expect(p.unwrap(wrapped, aad)).resolves.toHaveLength(32);
  });

  it('rotates: add, make current, re-wrap, destroy the old KEK', async () => {
    const file = path.join(dir, 'k.json');
    const admin = new LocalFileKeyProvider({ path: file });
    const server = new LocalFileKeyProvider({ path: file }); // another process, with a cached key ring
    const dek = randomBytes(32);
    const oldKid = await server.currentKid();
    const wrappedOld = await server.wrap(dek, aad);

    const newKid = await admin.addKek();
    expect(await admin.currentKid()).toBe(oldKid); // not current until told
    await admin.setCurrent(newKid);
    expect(await admin.currentKid()).toBe(newKid);
    expect((await admin.listKeks()).map((k) => k.id).sort()).toEqual([oldKid, newKid].sort());

    const wrappedNew = await admin.wrap(dek, aad);
    expect(wrappedNew.kid).toBe(newKid);
    // The server has never seen newKid: it re-reads the file once instead of failing.
    expect((await server.unwrap(wrappedNew, aad)).equals(dek)).toBe(true);

    await expect(admin.destroyKek(newKid)).rejects.toThrow(/current KEK/);
    await admin.destroyKek(oldKid);
    await expect(admin.unwrap(wrappedOld, aad)).rejects.toBeInstanceOf(KeyNotFoundError);
    await server.reload();
    await expect(server.unwrap(wrappedOld, aad)).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(await fs.readFile(file, 'utf8')).not.toContain(oldKid);
    if (posix) expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('keeps separate, rotatable index root keys', async () => {
    const provider = new LocalFileKeyProvider({ path: path.join(dir, 'k.json') });
    const first = await provider.indexRootKey();
    expect(first.key).toHaveLength(32);
    expect(first.key.equals((await provider.currentKek()).key)).toBe(false);
    const second = await provider.addIndexRootKey();
    expect((await provider.indexRootKey()).id).toBe(first.id);
    expect((await provider.indexRootKey(second)).id).toBe(second);
    await provider.setCurrentIndexRootKey(second);
    await provider.destroyIndexRootKey(first.id);
    await expect(provider.indexRootKey(first.id)).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(provider.destroyIndexRootKey(second)).rejects.toBeInstanceOf(KeyConfigError);
  });

  it('wraps racing with reloads and a rotation all stay unwrappable', async () => {
    const file = path.join(dir, 'k.json');
    const server = new LocalFileKeyProvider({ path: file });
    const admin = new LocalFileKeyProvider({ path: file });
    const oldKid = await server.currentKid();
    const jobs: Promise<unknown>[] = [];
    const wraps: Promise<{ kid: string; blob: Buffer }>[] = [];
    for (let i = 0; i < 200; i++) {
      wraps.push(server.wrap(randomBytes(32), aad));
      if (i % 10 === 0) jobs.push(server.reload());
    }
    jobs.push(admin.addKek({ makeCurrent: true }).then(() => server.reload()));
    for (let i = 0; i < 100; i++) wraps.push(server.wrap(randomBytes(32), aad));
    await Promise.all(jobs);
    const results = await Promise.all(wraps);
    const reader = new LocalFileKeyProvider({ path: file });
    for (const w of results) await expect(reader.unwrap(w, aad)).resolves.toHaveLength(32);
    await admin.destroyKek(oldKid);
    await server.reload();
    await expect(server.unwrap(results[0]!, aad)).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('keeps serving cached keys if a reload fails, and never invents a new key file', async () => {
    const file = path.join(dir, 'k.json');
    const provider = new LocalFileKeyProvider({ path: file });
    const wrapped = await provider.wrap(randomBytes(32), aad);
    await fs.rename(file, `${file}.moved`);
    await expect(provider.reload()).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(provider.unwrap(wrapped, aad)).resolves.toHaveLength(32);
    await expect(provider.unwrap({ kid: 'unknown', blob: wrapped.blob }, aad)).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a concurrent key operation while the lock is held', async () => {
    const file = path.join(dir, 'k.json');
    const provider = new LocalFileKeyProvider({ path: file });
    await provider.currentKid();
    await fs.writeFile(`${file}.lock`, '');
    await expect(provider.addKek()).rejects.toThrow(/locked/);
  });

  it('hands out copies, so callers cannot corrupt the key ring', async () => {
    const provider = new LocalFileKeyProvider({ path: path.join(dir, 'k.json') });
    const kek = await provider.currentKek();
    const copy = Buffer.from(kek.key);
    kek.key.fill(0);
    expect((await provider.kekById(kek.kid)).key.equals(copy)).toBe(true);
    await provider.close();
    expect((await provider.currentKek()).key.equals(copy)).toBe(true); // reloads from disk
  });
});

describe('EnvKeyProvider', () => {
  const k1 = randomBytes(32).toString('base64url');
  const k2 = randomBytes(32).toString('base64url');
  const ix = randomBytes(32).toString('base64url');

  it('accepts a bare key (id "default") and kid:key lists (first is current)', async () => {
    const single = new EnvKeyProvider({ kek: k1, indexKey: ix });
    expect(await single.currentKid()).toBe('default');
    const multi = new EnvKeyProvider({ kek: ` new:${k2} , old:${k1}`, indexKey: `ix1:${ix}` });
    expect(await multi.currentKid()).toBe('new');
    expect((await multi.kekById('old')).key.toString('base64url')).toBe(k1);
    expect((await multi.indexRootKey()).id).toBe('ix1');
    // A DEK wrapped under the single-key config unwraps under the rotated config once "default" is listed.
    const wrapped = await single.wrap(randomBytes(32), aad);
    const rotated = new EnvKeyProvider({ kek: `new:${k2},default:${k1}`, indexKey: ix });
    await expect(rotated.unwrap(wrapped, aad)).resolves.toHaveLength(32);
  });

  it('builds from an environment record', async () => {
    const p = EnvKeyProvider.fromEnv({ SANCTUARY_KEK: generateKeyString('k2025'), SANCTUARY_INDEX_KEY: generateKeyString('i2025') });
    expect(await p.currentKid()).toBe('k2025');
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['abc', /not exactly 32 bytes/],
    [randomBytes(31).toString('base64url'), /not exactly 32 bytes/],
    [randomBytes(33).toString('base64url'), /not exactly 32 bytes/],
    [`${randomBytes(32).toString('base64url').slice(0, 42)}*`, /not exactly 32 bytes/],
    [`a:${randomBytes(32).toString('base64url')},${randomBytes(32).toString('base64url')}`, /entry 2 has no "kid:" prefix/],
    [`a:${randomBytes(32).toString('base64url')},a:${randomBytes(32).toString('base64url')}`, /repeats key id "a"/],
    [`bad.id:${randomBytes(32).toString('base64url')}`, /invalid key id/],
    [`:${randomBytes(32).toString('base64url')}`, /invalid key id/],
  ])('rejects %j with a clear error', (value, message) => {
    expect(() => parseKeyList(value, { name: 'SANCTUARY_KEK', defaultId: 'default' })).toThrow(message);
    expect(() => parseKeyList(value, { name: 'SANCTUARY_KEK', defaultId: 'default' })).toThrow(KeyConfigError);
  });

  it('never echoes key material in errors', () => {
    const secret = randomBytes(32).toString('base64url');
    try {
      parseKeyList(`k1:${secret}x`, { name: 'SANCTUARY_KEK', defaultId: 'default' });
      expect.unreachable();
    } catch (err) {
      expect(String((err as Error).message)).not.toContain(secret.slice(0, 10));
    }
  });

  it('requires both secrets, and refuses an index key equal to a KEK', () => {
    expect(() => new EnvKeyProvider({ kek: undefined, indexKey: ix })).toThrow(/SANCTUARY_KEK is not set/);
    expect(() => new EnvKeyProvider({ kek: k1, indexKey: undefined })).toThrow(/SANCTUARY_INDEX_KEY is not set/);
    expect(() => new EnvKeyProvider({ kek: k1, indexKey: k1 })).toThrow(/reuses a KEK/);
  });

  it('accepts padded base64url but not standard base64 with + or /', () => {
    const raw = Buffer.alloc(32, 0xfb); // encodes with - and _ in base64url, + and / in base64
    expect(parseKeyList(`${raw.toString('base64url')}=`, { name: 'X', defaultId: 'd' }).keys.get('d')?.equals(raw)).toBe(true);
    expect(() => parseKeyList(raw.toString('base64'), { name: 'X', defaultId: 'd' })).toThrow(KeyConfigError);
  });
});
