import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomId } from '../crypto/random.ts';
import { BackupFormatError, readBackupFile, readBackupHeader, writeBackupFile } from './backup-file.ts';
import { BackupKeyRing } from './backup-key.ts';

describe('encrypted backup file', () => {
  let dir: string;
  let keys: BackupKeyRing;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-bkf-'));
    keys = await BackupKeyRing.open({ keyFile: path.join(dir, 'keys', 'backup-key.json'), keyFromEnv: undefined });
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function make(size: number, chunkSize = 1024): Promise<{ file: string; data: Buffer; key: Buffer; id: string }> {
    const data = randomBytes(size);
    const dump = path.join(dir, `dump-${randomId()}`);
    fs.writeFileSync(dump, data);
    const id = randomId();
    const key = keys.fileKey(keys.currentKid, id);
    const file = path.join(dir, `${id}.sbk`);
    await writeBackupFile({ outFile: file, dumpFile: dump, manifest: { hello: 'manifest' }, header: { id, createdAt: new Date().toISOString(), dialect: 'sqlite', kid: keys.currentKid }, key, chunkSize });
    return { file, data, key, id };
  }

  async function open(file: string, key: Buffer): Promise<Buffer> {
    const out = path.join(dir, `out-${randomId()}`);
    await readBackupFile({ inFile: file, dumpFile: out, key });
    return fs.readFileSync(out);
  }

  it('round-trips data of any length across chunk boundaries, with the key file created 0600', async () => {
    expect(fs.statSync(path.join(dir, 'keys', 'backup-key.json')).mode & 0o777).toBe(0o600);
    for (const size of [0, 1, 1000, 1024 - 4 - 22, 1024, 4096, 10_000]) {
      const { file, data, key } = await make(size);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect((await open(file, key)).equals(data)).toBe(true);
    }
  });

  it('fails on any change: header, a ciphertext byte, a dropped, repeated or reordered chunk, a cut file, the wrong key', async () => {
    const { file, key, id } = await make(5000);
    const bytes = fs.readFileSync(file);
    const { headerBytes } = await readBackupHeader(file);
    const h = headerBytes.length;
    const chunk = 1024 + 16;
    const variants: Array<[string, Buffer]> = [
      ['header byte', Buffer.concat([bytes.subarray(0, h - 3), Buffer.from('9'), bytes.subarray(h - 2)])],
      ['ciphertext byte', Buffer.from(bytes.map((b, i) => (i === h + 1500 ? b ^ 1 : b)))],
      ['dropped middle chunk', Buffer.concat([bytes.subarray(0, h + chunk), bytes.subarray(h + 2 * chunk)])],
      ['repeated chunk', Buffer.concat([bytes.subarray(0, h + chunk), bytes.subarray(h, h + chunk), bytes.subarray(h + chunk)])],
      ['reordered chunks', Buffer.concat([bytes.subarray(0, h), bytes.subarray(h + chunk, h + 2 * chunk), bytes.subarray(h, h + chunk), bytes.subarray(h + 2 * chunk)])],
      ['cut at a chunk boundary', bytes.subarray(0, h + 2 * chunk)],
      ['cut inside a chunk', bytes.subarray(0, bytes.length - 7)],
    ];
    for (const [what, variant] of variants) {
      const f = path.join(dir, `tampered-${randomId()}`);
      fs.writeFileSync(f, variant);
      await expect(open(f, key), what).rejects.toBeInstanceOf(BackupFormatError);
    }
    const other = await BackupKeyRing.open({ keyFile: path.join(dir, 'other', 'k.json'), keyFromEnv: undefined });
    await expect(open(file, other.fileKey(other.currentKid, id))).rejects.toBeInstanceOf(BackupFormatError);
    // The failed attempts leave no partial output behind.
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('out-'))).toEqual([]);
  });

  it('refuses a file that is not a backup, and reads a backup key from the environment form', async () => {
    const f = path.join(dir, 'plain.db');
    fs.writeFileSync(f, 'SQLite format 3\0 this is not a backup');
    await expect(readBackupHeader(f)).rejects.toMatchObject({ reason: 'not-a-backup' });
    const env = await BackupKeyRing.open({ keyFile: '/nonexistent', keyFromEnv: `k1:${randomBytes(32).toString('base64url')}` });
    expect(env.currentKid).toBe('k1');
    await expect(BackupKeyRing.open({ keyFile: path.join(dir, 'missing.json'), keyFromEnv: undefined }, { create: false })).rejects.toThrow(/does not exist/);
  });

  it('passes a PostgreSQL password in a 0600 password file, never on the command line', async () => {
    const { libpqConnection } = await import('./backup.service.ts');
    const conn = await libpqConnection("postgres://app:s3cr%3At'pw@db.example:6543/sanctuary?sslmode=require", dir);
    expect(conn).not.toMatch(/s3cr/);
    expect(conn).toMatch(/dbname='sanctuary' port='6543' host='db\.example' user='app' sslmode='require' passfile='/);
    const pass = path.join(dir, 'pgpass');
    expect(fs.statSync(pass).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(pass, 'utf8')).toBe("*:*:sanctuary:app:s3cr\\:t'pw\n");
  });
});
