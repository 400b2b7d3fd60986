/**
 * The local store for private signing keys kept in a small JSON file outside the database: the audit
 * checkpoint keys (Ed25519, `AUDIT_KEY_FILE`) and the municipal ID issuer keys (P-256, `ID_ISSUER_KEY_FILE`).
 * Whoever can read or rewrite the database, or a backup of it, must not also hold these keys.
 *
 * One set of rules for every such file:
 * - created on first use, mode 0600 in a 0700 directory, **exclusively** (written to a temp file, then hard-
 *   linked into place: two processes starting together end up with the same one key, whoever linked first);
 * - refused when it is not a regular file, when group or others can read it (with the `chmod` to fix it), or
 *   when it is implausibly large;
 * - replaced atomically (temp file, fsync, rename, fsync of the directory), so a crash leaves the old or the
 *   new file, never half of one;
 * - every key PKCS#8 DER in base64url, with its id and creation time; the file names its format and version.
 *
 * Callers say what their keys must be (`KeyFileKind.check`) and keep their own error class; messages name the
 * file and what to fix, never key material.
 */
import { type KeyObject, createPrivateKey, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** One key as stored. */
export interface KeyFileEntry {
  kid: string;
  /** PKCS#8 DER, base64url. */
  privateKey: string;
  createdAt: string;
}

/** What a key file holds besides its format and version. */
export interface KeyFileDocument {
  /** The key that signs now, for stores that name it (the audit keys); others use the newest. */
  current?: string;
  keys: KeyFileEntry[];
}

/** One decoded key. */
export interface LoadedKey {
  kid: string;
  key: KeyObject;
  createdAt: string;
}

export interface LoadedKeyFile {
  current: string | undefined;
  keys: LoadedKey[];
  /** The file's modification time when read, to notice a rotation by another process. */
  mtimeMs: number;
}

/** What kind of keys a file holds. */
export interface KeyFileKind {
  format: string;
  version: number;
  /** How messages name a key of this kind, e.g. `audit signing key`, `ID issuer key`. */
  name: string;
  /** The caller's error class. */
  error(message: string, options?: { cause?: unknown }): Error;
  /** Checks one decoded key against its id; returns what is wrong (`is not Ed25519`), or undefined. */
  check(key: KeyObject, kid: string): string | undefined;
  /** The file must hold at least one key. */
  requireKeys?: boolean;
}

const MAX_BYTES = 1 << 20;

/** PKCS#8 DER (base64url) of a private key, as key files store it. */
export function exportPkcs8(key: KeyObject): string {
  return key.export({ format: 'der', type: 'pkcs8' }).toString('base64url');
}

/** A key as it is stored, from the key itself. */
export function keyFileEntry(kid: string, key: KeyObject, createdAt: string): KeyFileEntry {
  return { kid, privateKey: exportPkcs8(key), createdAt };
}

/** A key file of one kind at one path. */
export class LocalKeyFile {
  readonly file: string;

  constructor(file: string, private readonly kind: KeyFileKind) {
    this.file = path.resolve(file);
  }

  /**
   * Reads the file, creating it first with `initial()` when it does not exist (unless `create` is false).
   * @throws the kind's error on an unreadable, unsafe or malformed file, or a missing one with `create: false`
   */
  async open(initial: () => KeyFileDocument, options: { create?: boolean } = {}): Promise<LoadedKeyFile> {
    try {
      return await this.read();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (options.create === false) throw this.kind.error(`${this.kind.name} file ${this.file} does not exist`, { cause: err });
    }
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await this.write(initial(), { exclusive: true });
    // Whoever created the file first wins; read what is on disk.
    return this.read();
  }

  /**
   * Reads and checks the file. A missing file is the plain `ENOENT` error (so callers can tell it apart).
   * @throws the kind's error on an unsafe or malformed file
   */
  async read(): Promise<LoadedKeyFile> {
    const { name, format, version } = this.kind;
    const file = this.file;
    const handle = await fs.open(file, 'r');
    let text: string;
    let mtimeMs: number;
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw this.kind.error(`${name} file ${file} is not a regular file`);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        throw this.kind.error(`${name} file ${file} is readable by group or others; run: chmod 600 '${file}'`);
      }
      if (st.size > MAX_BYTES) throw this.kind.error(`${name} file ${file} is implausibly large`);
      mtimeMs = st.mtimeMs;
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
    let json: { format?: unknown; version?: unknown; current?: unknown; keys?: unknown };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (cause) {
      throw this.kind.error(`${name} file ${file} is not valid JSON`, { cause });
    }
    if (json?.format !== format || json.version !== version || !Array.isArray(json.keys) || (this.kind.requireKeys && json.keys.length === 0)) {
      throw this.kind.error(`${file} is not a Sanctuary ${name} file (version ${version})${this.kind.requireKeys ? ' with at least one key' : ''}`);
    }
    const keys = (json.keys as unknown[]).map((raw): LoadedKey => {
      const k = raw as Partial<KeyFileEntry> | null;
      if (typeof k?.kid !== 'string' || typeof k.privateKey !== 'string') throw this.kind.error(`${name} file ${file} has a malformed key entry`);
      let key: KeyObject;
      try {
        key = createPrivateKey({ key: Buffer.from(k.privateKey, 'base64url'), format: 'der', type: 'pkcs8' });
      } catch (cause) {
        throw this.kind.error(`${name} "${k.kid}" in ${file} is not a valid PKCS#8 key`, { cause });
      }
      const problem = this.kind.check(key, k.kid);
      if (problem) throw this.kind.error(`${name} "${k.kid}" in ${file} ${problem}`);
      return { kid: k.kid, key, createdAt: typeof k.createdAt === 'string' ? k.createdAt : '' };
    });
    if (json.current !== undefined && typeof json.current !== 'string') throw this.kind.error(`${name} file ${file} names no valid current key`);
    return { current: json.current, keys, mtimeMs };
  }

  /** Replaces the file atomically; returns its new modification time. */
  async replace(doc: KeyFileDocument): Promise<number> {
    await this.write(doc, { exclusive: false });
    return (await fs.stat(this.file)).mtimeMs;
  }

  /** The modification time now, or undefined when the file is gone (one stat). */
  async mtimeMs(): Promise<number | undefined> {
    try {
      return (await fs.stat(this.file)).mtimeMs;
    } catch {
      return undefined;
    }
  }

  /** Temp file (0600, fsynced) then link (exclusive create) or rename (replace), then fsync the directory. */
  private async write(doc: KeyFileDocument, options: { exclusive: boolean }): Promise<void> {
    const json = {
      format: this.kind.format,
      version: this.kind.version,
      ...(doc.current !== undefined ? { current: doc.current } : {}),
      keys: doc.keys,
    };
    const dir = path.dirname(this.file);
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(json, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      if (options.exclusive) {
        try {
          await fs.link(tmp, this.file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      } else {
        await fs.rename(tmp, this.file);
      }
    } finally {
      await fs.rm(tmp, { force: true });
    }
    try {
      const d = await fs.open(dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    } catch {
      // Directory fsync is not supported everywhere; the file itself is already synced.
    }
  }
}
