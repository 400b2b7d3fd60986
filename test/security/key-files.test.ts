import { generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditKeyError, AuditKeyStore } from '../../src/core/audit/signing-key.ts';
import { IssuerKeyError, IssuerKeyStore } from '../../src/modules/municipal-id/credential/issuer-keys.ts';
import { type KeyFileKind, LocalKeyFile, keyFileEntry } from '../../src/core/crypto/key-file.ts';

class TestKeyError extends Error {}
const KIND: KeyFileKind = {
  format: 'sanctuary-test-keys',
  version: 1,
  name: 'test key',
  error: (m, o) => new TestKeyError(m, o),
  check: (key) => (key.asymmetricKeyType === 'ed25519' ? undefined : 'is not Ed25519'),
};
const fresh = () => ({ keys: [keyFileEntry('k1', generateKeyPairSync('ed25519').privateKey, '2026-11-27T00:00:00.000Z')] });

describe('the local key-file store (audit signing keys, ID issuer keys)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sanctuary-key-file-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('creates the file 0600 in a 0700 directory, once, even when two processes race', async () => {
    const file = path.join(dir, 'keys', 'test.json');
    const [a, b] = await Promise.all([new LocalKeyFile(file, KIND).open(fresh), new LocalKeyFile(file, KIND).open(fresh)]);
    expect(a.keys.map((k) => k.kid)).toEqual(['k1']);
    // Both read the one file that won: the same key.
    expect(a.keys[0]?.key.export({ format: 'der', type: 'pkcs8' })).toEqual(b.keys[0]?.key.export({ format: 'der', type: 'pkcs8' }));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await fs.readdir(path.dirname(file))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'sanctuary-test-keys', version: 1 });
    expect(json).not.toHaveProperty('current');
  });

  it('replaces atomically, keeping the mode, and reports the new modification time', async () => {
    const file = path.join(dir, 'test.json');
    const store = new LocalKeyFile(file, KIND);
    const first = await store.open(fresh);
    const second = keyFileEntry('k2', generateKeyPairSync('ed25519').privateKey, 'x');
    const mtime = await store.replace({ current: 'k2', keys: [keyFileEntry('k1', first.keys[0]!.key, 'a'), second] });
    expect(await store.mtimeMs()).toBe(mtime);
    const again = await store.read();
    expect(again).toMatchObject({ current: 'k2', mtimeMs: mtime });
    expect(again.keys.map((k) => k.kid)).toEqual(['k1', 'k2']);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses an unsafe or malformed file with the caller’s error and what to fix', async () => {
    const file = path.join(dir, 'test.json');
    const store = new LocalKeyFile(file, KIND);
    await expect(store.open(fresh, { create: false })).rejects.toThrow(new TestKeyError(`test key file ${file} does not exist`));
    await store.open(fresh);
    await fs.chmod(file, 0o644);
    await expect(store.read()).rejects.toThrow(/readable by group or others; run: chmod 600/);
    await fs.chmod(file, 0o600);
    const write = async (text: string) => {
      await fs.writeFile(file, text, { mode: 0o600 });
      return store.read();
    };
    await expect(write('{')).rejects.toThrow(/is not valid JSON/);
    await expect(write('{"format":"other","version":1,"keys":[]}')).rejects.toThrow(/is not a Sanctuary test key file \(version 1\)/);
    await expect(write('{"format":"sanctuary-test-keys","version":1,"keys":[{"kid":"a"}]}')).rejects.toThrow(/malformed key entry/);
    await expect(write('{"format":"sanctuary-test-keys","version":1,"keys":[{"kid":"a","privateKey":"AAAA"}]}')).rejects.toThrow(/"a" .* is not a valid PKCS#8 key/);
    const ec = keyFileEntry('ec', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, '');
    await expect(write(JSON.stringify({ format: 'sanctuary-test-keys', version: 1, keys: [ec] }))).rejects.toThrow(/"ec" in .* is not Ed25519/);
    await expect(write('{}')).rejects.toBeInstanceOf(TestKeyError);
    await fs.rm(file);
    await fs.mkdir(file);
    await expect(store.read()).rejects.toThrow(/is not a regular file/);
  });

  it('is the store behind both the audit signing keys and the ID issuer keys (same file rules, their own checks)', async () => {
    const auditFile = path.join(dir, 'k', 'audit-signing.json');
    const issuerFile = path.join(dir, 'k', 'id-issuer-keys.json');
    const audit = await AuditKeyStore.open(auditFile);
    const issuer = await IssuerKeyStore.open(issuerFile);
    for (const f of [auditFile, issuerFile]) expect((await fs.stat(f)).mode & 0o777).toBe(0o600);
    // Each refuses the other's file: a P-256 key is not an audit key, and the formats differ.
    await fs.copyFile(issuerFile, auditFile);
    await expect(AuditKeyStore.open(auditFile)).rejects.toBeInstanceOf(AuditKeyError);
    await fs.chmod(issuerFile, 0o640);
    await expect(IssuerKeyStore.open(issuerFile)).rejects.toThrow(new IssuerKeyError(`ID issuer key file ${issuerFile} is readable by group or others; run: chmod 600 '${issuerFile}'`));
    await fs.chmod(issuerFile, 0o600);
    // Rotation goes through the store: the new key signs, the old ones stay.
    const before = issuer.current().kid;
    const rotated = await issuer.rotate();
    expect(rotated).not.toBe(before);
    expect((await IssuerKeyStore.open(issuerFile)).publicKeys().map((k) => k.jwk.kid)).toEqual([before, rotated]);
    const kid = await audit.rotate();
    expect(audit.currentKid).toBe(kid);
    expect(audit.verifyKeys()).toHaveLength(2);
  });
});
