/**
 * The backup key: the AES-256 key that encrypts `sanctuary backup` files.
 *
 * Separate from the KEK on purpose. KEKs are rotated and old ones destroyed within days (that is how
 * forgetting reaches the key vault's short-lived backups, docs/privacy.md); data backups may have to be kept
 * for years. Wrapping backups with the KEK would make every backup unreadable after the first rotation.
 * The backup key lives with the other keys — the key file beside the KEK (`BACKUP_KEY_FILE`, created on
 * first use, mode 0600) or `SANCTUARY_BACKUP_KEY` from a secret manager — never in the database, the data
 * directory or the backup directory.
 *
 * Each backup is encrypted under its own key derived from the backup key and the backup's random id
 * (HKDF-SHA-256), so no two files share a key and a header cannot be moved to another file's body.
 *
 * Keys form a ring (`kid:key` entries, newest first in the variable, `current` in the file): rotate by adding
 * a key; keep old ones as long as backups made under them are kept.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KEY_ID_PATTERN, parseKeyList } from '../crypto/key-provider.ts';
import { randomId } from '../crypto/random.ts';

const FORMAT = 'sanctuary-backup-keys';
const VERSION = 1;

/** A problem with the backup key configuration; never contains key material. */
export class BackupKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupKeyError';
  }
}

interface KeyFileJson {
  format: typeof FORMAT;
  version: typeof VERSION;
  current: string;
  keys: Array<{ id: string; key: string; createdAt: string }>;
}

/** The backup key ring. */
export class BackupKeyRing {
  private constructor(
    private current: string,
    private readonly keys: Map<string, Buffer>,
    readonly source: string,
    private readonly file?: string,
  ) {}

  /**
   * The ring the configuration names: `SANCTUARY_BACKUP_KEY` when set, otherwise the key file (created with a
   * fresh key unless `create` is false).
   */
  static async open(config: { keyFile: string; keyFromEnv: string | undefined }, options: { create?: boolean } = {}): Promise<BackupKeyRing> {
    if (config.keyFromEnv !== undefined) {
      const list = parseKeyList(config.keyFromEnv, { name: 'SANCTUARY_BACKUP_KEY', defaultId: 'default' });
      return new BackupKeyRing(list.current, list.keys, 'SANCTUARY_BACKUP_KEY');
    }
    const file = path.resolve(config.keyFile);
    try {
      return await BackupKeyRing.read(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (options.create === false) throw new BackupKeyError(`backup key file ${file} does not exist (and SANCTUARY_BACKUP_KEY is not set)`);
    }
    const id = randomId();
    const json: KeyFileJson = { format: FORMAT, version: VERSION, current: id, keys: [{ id, key: randomBytes(32).toString('base64url'), createdAt: new Date().toISOString() }] };
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(json, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // Exclusive: when two processes create at once, the first file wins and both use it.
      await fs.link(tmp, file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return BackupKeyRing.read(file);
  }

  private static async read(file: string): Promise<BackupKeyRing> {
    const handle = await fs.open(file, 'r');
    let text: string;
    try {
      const st = await handle.stat();
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        throw new BackupKeyError(`backup key file ${file} is readable by group or others; run: chmod 600 '${file}'`);
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
    let json: KeyFileJson;
    try {
      json = JSON.parse(text) as KeyFileJson;
    } catch (cause) {
      throw new BackupKeyError(`backup key file ${file} is not valid JSON`, { cause });
    }
    if (json?.format !== FORMAT || json.version !== VERSION || !Array.isArray(json.keys)) throw new BackupKeyError(`${file} is not a Sanctuary backup key file`);
    const keys = new Map<string, Buffer>();
    for (const k of json.keys) {
      const key = typeof k?.key === 'string' ? Buffer.from(k.key, 'base64url') : Buffer.alloc(0);
      if (typeof k?.id !== 'string' || !KEY_ID_PATTERN.test(k.id) || key.length !== 32) throw new BackupKeyError(`backup key file ${file} has a malformed key entry`);
      keys.set(k.id, key);
    }
    if (!keys.has(json.current)) throw new BackupKeyError(`backup key file ${file} names a current key it does not contain`);
    return new BackupKeyRing(json.current, keys, `key file ${file}`, file);
  }

  get currentKid(): string {
    return this.current;
  }

  /** The per-backup key for `backupId` under key `kid` (HKDF-SHA-256; salt = the backup id). */
  fileKey(kid: string, backupId: string): Buffer {
    const key = this.keys.get(kid);
    if (!key) throw new BackupKeyError(`backup key "${kid}" is not in ${this.source}: restore it (old keys must be kept as long as their backups)`);
    return Buffer.from(hkdfSync('sha256', key, Buffer.from(backupId, 'utf8'), Buffer.from('sanctuary-backup-v1', 'utf8'), 32));
  }

  /** Adds a new key to the key file and makes it current (old keys stay for old backups). */
  async rotate(): Promise<string> {
    if (!this.file) throw new BackupKeyError('SANCTUARY_BACKUP_KEY is read-only: put a new key first in the variable and restart');
    const id = randomId();
    const key = randomBytes(32);
    const json: KeyFileJson = {
      format: FORMAT,
      version: VERSION,
      current: id,
      keys: [...[...this.keys].map(([kid, k]) => ({ id: kid, key: k.toString('base64url'), createdAt: '' })), { id, key: key.toString('base64url'), createdAt: new Date().toISOString() }],
    };
    const tmp = `${this.file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(json, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.file);
    this.keys.set(id, key);
    this.current = id;
    return id;
  }
}
