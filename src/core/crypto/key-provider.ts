/**
 * Key-encryption keys (KEKs) and the blind-index root key: where they live and the only operations the rest of
 * the platform may perform with them.
 *
 * The platform's data is sealed with per-subject data keys (DEKs, see `envelope.ts`); DEKs are stored in the
 * database only *wrapped* by a KEK. A KEK never enters the database or its backups, so a seized database or
 * backup is unreadable without the key store (DESIGN §3.3, R21/R22).
 *
 * ## Why the interface wraps instead of handing out keys
 *
 * {@link KeyProvider} exposes `wrap(key, aad)` / `unwrap(wrapped, aad)`, not KEK bytes. That is the shape of
 * every KMS and HSM API, so a remote provider fits without changing callers:
 *
 * - **AWS KMS**: `wrap` = `Encrypt({ KeyId, Plaintext: dek, EncryptionContext: { aad: base64url(aad) } })`,
 *   `unwrap` = `Decrypt(...)` with the same EncryptionContext; `kid` is the key ARN (or an alias→ARN mapping
 *   kept in config), `blob` is the returned `CiphertextBlob`. Google Cloud KMS (`additionalAuthenticatedData`),
 *   Azure Key Vault (`wrapKey`/`unwrapKey`; pass the AAD by deriving a per-context key or with an AES-GCM HSM
 *   key) and HashiCorp Vault Transit (`context` / `associated_data`) map the same way.
 * - **PKCS#11 HSM / SoftHSM2**: `C_WrapKey`/`C_UnwrapKey` with CKM_AES_GCM and the AAD in CK_GCM_PARAMS; `kid`
 *   = the object label; the KEK is non-extractable.
 * - Unwrapped DEKs are cached by the caller per request/subject, never per process forever, so a KMS round
 *   trip happens once per subject access, and revoking the KMS key stops the service (fail closed, R14/R43).
 *
 * The blind-index root key is the one secret that must be in process memory: blind indexes are computed on
 * every lookup and write, far too often for a KMS round trip. A KMS provider stores the root key *wrapped*
 * (in its config or a small file), unwraps it once at start-up with the KMS and serves it from memory.
 *
 * {@link LocalKeyProvider} adds raw access to KEK bytes (`currentKek`, `kekById`) for the two local providers,
 * for rotation tooling and tests only. Application code depends on {@link KeyProvider}.
 *
 * ## Rotation
 *
 * `addKek()` → (every instance reloads) → `setCurrent(newKid)` → re-wrap every stored DEK (`rewrapDataKey`) →
 * after the backup-retention window, `destroyKek(oldKid)`. Destroying the old KEK is what makes crypto-shredding
 * reach old backups: a DEK row deleted today still exists in last week's backup, wrapped by a KEK that will no
 * longer exist once the window has passed (security-reliability §3.3). Never destroy a KEK that still wraps a
 * live DEK: that data is lost for good.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import { DecryptError, KeyConfigError, KeyNotFoundError } from './errors.ts';
import { randomId, randomNonce } from './random.ts';

/** Length of every symmetric key in the platform (AES-256, HMAC-SHA-256 / HKDF roots). */
export const KEY_BYTES = 32;

const GCM_NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** Key ids appear inside stored strings separated by dots, so they are restricted to a URL-safe set. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A key-encryption key. Only {@link LocalKeyProvider}s hand these out. */
export interface Kek {
  readonly kid: string;
  /** 32 bytes. Treat as secret; do not log, copy or keep longer than needed. */
  readonly key: Buffer;
}

/** The root key blind-index keys are derived from (see `blind-index.ts`). */
export interface IndexRootKey {
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

/** A key wrapped by a KEK: which KEK, and an opaque provider-specific blob. */
export interface WrappedKey {
  readonly kid: string;
  readonly blob: Buffer;
}

/** Metadata about one stored key (never the key itself). */
export interface KeyInfo {
  readonly id: string;
  readonly current: boolean;
  readonly createdAt: string;
}

/**
 * What the application needs from a key store. Implementations: {@link LocalFileKeyProvider} (development and
 * single-host installs), {@link EnvKeyProvider} (key material injected by a secret manager), and — outside this
 * package — KMS/HSM providers as described in the module documentation.
 *
 * Implementations must fail closed: if the store is unreachable, throw; never return a default key.
 */
export interface KeyProvider {
  /** The id of the KEK that new wraps use. */
  currentKid(): Promise<string>;
  /**
   * Encrypts `key` (a 32-byte DEK) under the current KEK, binding `aad` (the caller's context: subject id,
   * purpose…) so the wrapped key only unwraps in that context.
   */
  wrap(key: Buffer, aad: Buffer): Promise<WrappedKey>;
  /**
   * Reverses {@link wrap}. Throws {@link KeyNotFoundError} when the KEK is gone (destroyed after rotation) and
   * {@link DecryptError} when the blob or context does not authenticate.
   */
  unwrap(wrapped: WrappedKey, aad: Buffer): Promise<Buffer>;
  /** The current blind-index root key, or a specific one by id (during a re-index). */
  indexRootKey(id?: string): Promise<IndexRootKey>;
}

/** A provider that holds KEKs in this process and can hand out their bytes (tooling and tests only). */
export interface LocalKeyProvider extends KeyProvider {
  currentKek(): Promise<Kek>;
  kekById(kid: string): Promise<Kek>;
  listKeks(): Promise<KeyInfo[]>;
  listIndexRootKeys(): Promise<KeyInfo[]>;
}

// ---------------------------------------------------------------------------------------------------------
// Shared AES-256-GCM key wrapping for the local providers. Blob = nonce(12) ‖ ciphertext(32) ‖ tag(16).

function gcmWrap(kek: Buffer, key: Buffer, aad: Buffer): Buffer {
  const nonce = randomNonce();
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(aad);
  const ct = cipher.update(key);
  cipher.final();
  return Buffer.concat([nonce, ct, cipher.getAuthTag()]);
}

function gcmUnwrap(kek: Buffer, blob: Buffer, aad: Buffer): Buffer {
  if (blob.length < GCM_NONCE_BYTES + GCM_TAG_BYTES + 1) throw new DecryptError('malformed', 'wrapped key is too short');
  const decipher = createDecipheriv('aes-256-gcm', kek, blob.subarray(0, GCM_NONCE_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(blob.subarray(blob.length - GCM_TAG_BYTES));
  const out = decipher.update(blob.subarray(GCM_NONCE_BYTES, blob.length - GCM_TAG_BYTES));
  try {
    decipher.final();
  } catch (cause) {
    out.fill(0);
    throw new DecryptError('authentication', 'wrapped key did not authenticate (wrong KEK or wrong context)', { cause });
  }
  return out;
}

function assertKeyBytes(key: Buffer, what: string): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new TypeError(`${what} must be a ${KEY_BYTES}-byte Buffer`);
}

// ---------------------------------------------------------------------------------------------------------
// In-memory key rings shared by both local providers.

interface RingEntry {
  readonly id: string;
  readonly key: Buffer;
  readonly createdAt: string;
}

interface Ring {
  current: string;
  readonly entries: Map<string, RingEntry>;
}

function ringInfo(ring: Ring): KeyInfo[] {
  return [...ring.entries.values()].map((e) => ({ id: e.id, current: e.id === ring.current, createdAt: e.createdAt }));
}

function wipeRing(ring: Ring): void {
  for (const e of ring.entries.values()) e.key.fill(0);
}

function ringGet(ring: Ring, id: string, kind: 'kek' | 'index-root'): RingEntry {
  const entry = ring.entries.get(id);
  if (!entry || isWiped(entry.key)) throw new KeyNotFoundError(kind, id);
  return entry;
}

/**
 * A key overwritten by close() or destroy is all zeros. Checking before every use means a call racing with a
 * wipe fails cleanly instead of, say, wrapping a DEK under an all-zero key.
 */
function isWiped(key: Buffer): boolean {
  for (let i = 0; i < key.length; i++) if (key[i] !== 0) return false;
  return true;
}

/** Base for the local providers: everything except where the rings come from. */
abstract class RingKeyProvider implements LocalKeyProvider {
  protected abstract rings(): Promise<{ kek: Ring; index: Ring }>;

  /** Called when a wrapped key names an unknown KEK; file-backed providers re-read the file once. */
  protected async refreshForUnknownKid(): Promise<boolean> {
    return false;
  }

  async currentKid(): Promise<string> {
    return (await this.rings()).kek.current;
  }

  async currentKek(): Promise<Kek> {
    const { kek } = await this.rings();
    const e = ringGet(kek, kek.current, 'kek');
    return { kid: e.id, key: Buffer.from(e.key) };
  }

  async kekById(kid: string): Promise<Kek> {
    const e = ringGet((await this.rings()).kek, kid, 'kek');
    return { kid: e.id, key: Buffer.from(e.key) };
  }

  async listKeks(): Promise<KeyInfo[]> {
    return ringInfo((await this.rings()).kek);
  }

  async listIndexRootKeys(): Promise<KeyInfo[]> {
    return ringInfo((await this.rings()).index);
  }

  async wrap(key: Buffer, aad: Buffer): Promise<WrappedKey> {
    assertKeyBytes(key, 'wrap: key');
    const { kek } = await this.rings();
    const e = ringGet(kek, kek.current, 'kek');
    return { kid: e.id, blob: gcmWrap(e.key, key, aad) };
  }

  async unwrap(wrapped: WrappedKey, aad: Buffer): Promise<Buffer> {
    let entry = (await this.rings()).kek.entries.get(wrapped.kid);
    if (!entry && (await this.refreshForUnknownKid())) entry = (await this.rings()).kek.entries.get(wrapped.kid);
    if (!entry || isWiped(entry.key)) throw new KeyNotFoundError('kek', wrapped.kid);
    const key = gcmUnwrap(entry.key, wrapped.blob, aad);
    if (key.length !== KEY_BYTES) {
      key.fill(0);
      throw new DecryptError('malformed', 'wrapped key has the wrong length');
    }
    return key;
  }

  async indexRootKey(id?: string): Promise<IndexRootKey> {
    const { index } = await this.rings();
    const e = ringGet(index, id ?? index.current, 'index-root');
    return { id: e.id, key: Buffer.from(e.key) };
  }
}

// ---------------------------------------------------------------------------------------------------------
// LocalFileKeyProvider

const KEY_FILE_FORMAT = 'sanctuary-keys';
const KEY_FILE_VERSION = 1;
const MAX_KEY_FILE_BYTES = 1 << 20;

interface KeyFileRingJson {
  current: string;
  keys: { id: string; key: string; createdAt: string }[];
}

interface KeyFileJson {
  format: typeof KEY_FILE_FORMAT;
  version: typeof KEY_FILE_VERSION;
  kek: KeyFileRingJson;
  index: KeyFileRingJson;
}

function newEntry(): RingEntry {
  return { id: randomId(), key: randomBytes(KEY_BYTES), createdAt: new Date().toISOString() };
}

function newRing(): Ring {
  const e = newEntry();
  return { current: e.id, entries: new Map([[e.id, e]]) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseRing(v: unknown, name: string, file: string): Ring {
  const bad = (why: string): KeyConfigError => new KeyConfigError(`key file ${file}: "${name}" ${why}`);
  if (!isRecord(v) || typeof v.current !== 'string' || !Array.isArray(v.keys)) throw bad('is missing or malformed');
  const entries = new Map<string, RingEntry>();
  for (const k of v.keys as unknown[]) {
    if (!isRecord(k) || typeof k.id !== 'string' || typeof k.key !== 'string' || typeof k.createdAt !== 'string') {
      throw bad('has a malformed key entry');
    }
    if (!KEY_ID_PATTERN.test(k.id)) throw bad(`has an invalid key id "${k.id.slice(0, 64)}"`);
    if (entries.has(k.id)) throw bad(`lists key "${k.id}" twice`);
    const key = decodeKey(k.key);
    if (!key) throw bad(`key "${k.id}" is not ${KEY_BYTES} bytes of base64url`);
    entries.set(k.id, { id: k.id, key, createdAt: k.createdAt });
  }
  if (!entries.has(v.current)) throw bad(`names current key "${v.current}", which it does not contain`);
  return { current: v.current, entries };
}

function ringToJson(ring: Ring): KeyFileRingJson {
  return {
    current: ring.current,
    keys: [...ring.entries.values()].map((e) => ({ id: e.id, key: e.key.toString('base64url'), createdAt: e.createdAt })),
  };
}

/** Decodes exactly 32 bytes of base64url (padding tolerated); `null` for anything else. */
function decodeKey(text: string): Buffer | null {
  const t = text.trim().replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]{43}$/.test(t)) return null;
  const key = Buffer.from(t, 'base64url');
  // Reject non-canonical trailing bits so one key has exactly one spelling.
  if (key.length !== KEY_BYTES || key.toString('base64url') !== t) return null;
  return key;
}

function describeMode(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

const checkModes = process.platform !== 'win32';

/** Options for {@link LocalFileKeyProvider}. */
export interface LocalFileKeyProviderOptions {
  /** Path of the key file, e.g. `./data/keys/sanctuary.keys.json`. Keep it outside the database directory's backups. */
  readonly path: string;
  /** Create the file (and its directory) with fresh keys when it does not exist. Default `true`. */
  readonly create?: boolean;
}

/**
 * KEKs and the blind-index root key in a local JSON file (development, and single-host installs where the
 * file lives on a disk that is *not* part of database backups).
 *
 * - Created on first use with mode 0600, in a directory created with mode 0700; creation is exclusive (two
 *   processes starting at once cannot each create a different key).
 * - Refuses to read a file that group or others can read or write, a non-regular file, or an oversized one.
 * - Every change is written to a temporary file in the same directory, fsynced, then renamed over the old file
 *   (readers never see a half-written key file), under an exclusive lock file so two admin commands cannot
 *   lose each other's changes.
 *
 * File format (version 1):
 * `{ "format": "sanctuary-keys", "version": 1, "kek": { "current": id, "keys": [{ "id", "key": base64url, "createdAt" }] }, "index": { … } }`
 *
 * Note: replacing the file does not erase the old bytes from the disk (journaling file systems, SSD wear
 * levelling). Put the key file on an encrypted volume, and sanitize the media when decommissioning (NIST SP 800-88).
 */
export class LocalFileKeyProvider extends RingKeyProvider {
  readonly path: string;
  readonly #create: boolean;
  #state: Promise<{ kek: Ring; index: Ring }> | undefined;

  constructor(options: LocalFileKeyProviderOptions) {
    super();
    this.path = path.resolve(options.path);
    this.#create = options.create ?? true;
  }

  protected rings(): Promise<{ kek: Ring; index: Ring }> {
    if (!this.#state) {
      const loading = this.#loadOrCreate();
      this.#state = loading;
      // Do not cache a failure: the next call retries (e.g. after the operator fixes the file mode).
      loading.catch(() => {
        if (this.#state === loading) this.#state = undefined;
      });
    }
    return this.#state;
  }

  protected override async refreshForUnknownKid(): Promise<boolean> {
    try {
      await this.reload();
      return true;
    } catch {
      return false; // keep serving from the cached keys; the caller reports the unknown KEK
    }
  }

  /**
   * Re-reads the key file (after another process rotated keys). Never creates a file: a key file that vanished
   * while the service runs is an error, not a reason to invent new keys. On failure the cached keys stay in use.
   */
  async reload(): Promise<void> {
    const state = await this.#read();
    const old = this.#state;
    this.#state = Promise.resolve(state);
    // Wipe only keys that no longer exist; live ones may be in use by a concurrent call.
    if (old) old.then((o) => wipeRemoved(o, state), () => undefined);
  }

  /**
   * Adds a new random KEK and returns its id. It becomes current only with `makeCurrent: true` (or a later
   * {@link setCurrent}): on a multi-instance deployment, first let every instance learn the new key, then make
   * it current, so no instance meets a DEK wrapped by a key it does not have yet.
   */
  async addKek(options?: { makeCurrent?: boolean }): Promise<string> {
    const e = newEntry();
    await this.#mutate((s) => {
      s.kek.entries.set(e.id, e);
      if (options?.makeCurrent) s.kek.current = e.id;
    });
    return e.id;
  }

  /** Makes an existing KEK the one new wraps use. */
  async setCurrent(kid: string): Promise<void> {
    await this.#mutate((s) => {
      ringGet(s.kek, kid, 'kek');
      s.kek.current = kid;
    });
  }

  /**
   * Permanently removes a KEK from the key file. Every DEK still wrapped by it becomes unreadable, which is the
   * point once all live DEKs have been re-wrapped and the backup window has passed. The current KEK cannot be
   * destroyed.
   */
  async destroyKek(kid: string): Promise<void> {
    await this.#mutate((s) => {
      const e = ringGet(s.kek, kid, 'kek');
      if (s.kek.current === kid) throw new KeyConfigError(`refusing to destroy the current KEK "${kid}"; make another KEK current first`);
      s.kek.entries.delete(kid);
      e.key.fill(0);
    });
  }

  /** Adds a new blind-index root key (for a re-index); see {@link addKek} for `makeCurrent`. */
  async addIndexRootKey(options?: { makeCurrent?: boolean }): Promise<string> {
    const e = newEntry();
    await this.#mutate((s) => {
      s.index.entries.set(e.id, e);
      if (options?.makeCurrent) s.index.current = e.id;
    });
    return e.id;
  }

  /** Makes an existing blind-index root key current (after every index has been recomputed under it). */
  async setCurrentIndexRootKey(id: string): Promise<void> {
    await this.#mutate((s) => {
      ringGet(s.index, id, 'index-root');
      s.index.current = id;
    });
  }

  /** Removes a blind-index root key that is no longer current. */
  async destroyIndexRootKey(id: string): Promise<void> {
    await this.#mutate((s) => {
      const e = ringGet(s.index, id, 'index-root');
      if (s.index.current === id) throw new KeyConfigError(`refusing to destroy the current index root key "${id}"`);
      s.index.entries.delete(id);
      e.key.fill(0);
    });
  }

  /** Overwrites the in-memory copies of the keys (on shutdown). The provider reloads if used again. */
  async close(): Promise<void> {
    const old = this.#state;
    this.#state = undefined;
    if (old) await old.then(wipeState, () => undefined);
  }

  async #loadOrCreate(): Promise<{ kek: Ring; index: Ring }> {
    try {
      return await this.#read();
    } catch (err) {
      if (!this.#create || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await this.#ensureDir();
    const state = { kek: newRing(), index: newRing() };
    const created = await this.#writeAtomic(state, { exclusive: true });
    if (created) return state;
    // Another process created the file first: use its keys, never ours.
    wipeState(state);
    return this.#read();
  }

  async #ensureDir(): Promise<void> {
    const dir = path.dirname(this.path);
    const first = await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (first !== undefined && checkModes) await fs.chmod(dir, 0o700);
  }

  async #read(): Promise<{ kek: Ring; index: Ring }> {
    // Open first, then fstat the open handle: the checked file is the file read (no swap in between).
    // A symlinked key file (e.g. a mounted secret) is allowed; the target's mode is what is checked.
    const handle = await fs.open(this.path, 'r');
    let text: string;
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new KeyConfigError(`key file ${this.path} is not a regular file`);
      if (checkModes && (st.mode & 0o077) !== 0) {
        throw new KeyConfigError(
          `key file ${this.path} has mode ${describeMode(st.mode)}: group or others can access it. ` +
            `Only the service user may read it — run: chmod 600 '${this.path}'`,
        );
      }
      if (st.size > MAX_KEY_FILE_BYTES) throw new KeyConfigError(`key file ${this.path} is implausibly large`);
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new KeyConfigError(`key file ${this.path} is not valid JSON`, { cause });
    }
    if (!isRecord(json) || json.format !== KEY_FILE_FORMAT) throw new KeyConfigError(`${this.path} is not a Sanctuary key file`);
    if (json.version !== KEY_FILE_VERSION) {
      throw new KeyConfigError(`key file ${this.path} has version ${String(json.version)}; this build reads version ${KEY_FILE_VERSION}`);
    }
    return { kek: parseRing(json.kek, 'kek', this.path), index: parseRing(json.index, 'index', this.path) };
  }

  /**
   * Writes the state to a temp file (0600, fsynced) and moves it into place. With `exclusive`, the file must
   * not exist yet (hard link, which fails atomically on EEXIST); returns false if it already did.
   */
  async #writeAtomic(state: { kek: Ring; index: Ring }, options: { exclusive: boolean }): Promise<boolean> {
    const json: KeyFileJson = { format: KEY_FILE_FORMAT, version: KEY_FILE_VERSION, kek: ringToJson(state.kek), index: ringToJson(state.index) };
    const dir = path.dirname(this.path);
    const tmp = path.join(dir, `.${path.basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      if (checkModes) await handle.chmod(0o600); // in case the umask is odd; never wider than 0600
      await handle.writeFile(`${JSON.stringify(json, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      if (!options.exclusive) {
        await fs.rename(tmp, this.path);
      } else {
        try {
          // link() fails atomically with EEXIST when the file exists: exactly one process creates the keys.
          await fs.link(tmp, this.path);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') return false;
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
          // File systems without hard links: exclusive create, then write (still never overwrites keys).
          if (!(await writeExclusive(this.path, await fs.readFile(tmp)))) return false;
        }
      }
    } finally {
      await fs.rm(tmp, { force: true });
    }
    await syncDir(dir);
    return true;
  }

  async #mutate(change: (state: { kek: Ring; index: Ring }) => void): Promise<void> {
    await this.rings(); // creates the file on first use
    const lockPath = `${this.path}.lock`;
    let lock: fs.FileHandle;
    try {
      lock = await fs.open(lockPath, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new KeyConfigError(
          `key file ${this.path} is locked by another key operation. If none is running, remove the stale lock ${lockPath}`,
        );
      }
      throw err;
    }
    try {
      // Read-modify-write from disk, not from the cache: another process may have changed the file.
      const state = await this.#read();
      change(state);
      await this.#writeAtomic(state, { exclusive: false });
      const old = this.#state;
      this.#state = Promise.resolve(state);
      if (old) old.then((o) => wipeRemoved(o, state), () => undefined);
    } finally {
      await lock.close();
      await fs.rm(lockPath, { force: true });
    }
  }
}

function wipeState(state: { kek: Ring; index: Ring }): void {
  wipeRing(state.kek);
  wipeRing(state.index);
}

/** Overwrites the keys of `old` that `current` no longer has (destroyed keys). */
function wipeRemoved(old: { kek: Ring; index: Ring }, current: { kek: Ring; index: Ring }): void {
  for (const [ring, now] of [[old.kek, current.kek], [old.index, current.index]] as const) {
    for (const e of ring.entries.values()) if (!now.entries.has(e.id)) e.key.fill(0);
  }
}

async function writeExclusive(file: string, content: Buffer): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function syncDir(dir: string): Promise<void> {
  // Make the rename durable. Not supported everywhere (e.g. Windows): best effort.
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    /* best effort */
  }
}

// ---------------------------------------------------------------------------------------------------------
// EnvKeyProvider

/**
 * Parses a key list such as the value of `SANCTUARY_KEK`:
 *
 * - `<base64url 32 bytes>` — one key, whose id is `defaultId`;
 * - `kid1:<base64url>,kid2:<base64url>,…` — several keys; the **first** is current, the others are older
 *   keys still needed to unwrap (rotation: put the new key first, re-wrap, then drop the old one).
 *
 * Whitespace around entries is ignored. Errors name the variable and the entry number, never the value.
 */
export function parseKeyList(value: string, options: { name: string; defaultId: string }): { current: string; keys: Map<string, Buffer> } {
  const { name } = options;
  const text = value.trim();
  if (text === '') throw new KeyConfigError(`${name} is empty; expected a base64url 32-byte key or "kid:key,kid2:key2"`);
  const keys = new Map<string, Buffer>();
  const parts = text.split(',');
  parts.forEach((raw, i) => {
    const part = raw.trim();
    const where = `${name}: entry ${i + 1}`;
    const colon = part.indexOf(':');
    let id: string;
    let keyText: string;
    if (colon === -1) {
      if (parts.length > 1) throw new KeyConfigError(`${where} has no "kid:" prefix; with several keys every entry needs one`);
      id = options.defaultId;
      keyText = part;
    } else {
      id = part.slice(0, colon).trim();
      keyText = part.slice(colon + 1);
    }
    if (!KEY_ID_PATTERN.test(id)) throw new KeyConfigError(`${where} has an invalid key id (use 1–64 of A–Z a–z 0–9 _ -)`);
    if (keys.has(id)) throw new KeyConfigError(`${where} repeats key id "${id}"`);
    const key = decodeKey(keyText);
    if (!key) throw new KeyConfigError(`${where} ("${id}") is not exactly ${KEY_BYTES} bytes of base64url`);
    keys.set(id, key);
  });
  const current = keys.keys().next().value as string;
  return { current, keys };
}

/** A fresh key line for `SANCTUARY_KEK` / `SANCTUARY_INDEX_KEY` (`kid:base64url`), for `sanctuary keys generate`. */
export function generateKeyString(id: string = randomId()): string {
  if (!KEY_ID_PATTERN.test(id)) throw new TypeError('generateKeyString: invalid key id');
  return `${id}:${randomBytes(KEY_BYTES).toString('base64url')}`;
}

/** Options for {@link EnvKeyProvider}. Pass the *values*; `config.ts` is the only reader of the environment. */
export interface EnvKeyProviderOptions {
  /** KEK list, e.g. the value of `SANCTUARY_KEK`. */
  readonly kek: string | undefined;
  /** Blind-index root key list, e.g. the value of `SANCTUARY_INDEX_KEY`. */
  readonly indexKey: string | undefined;
  /** Variable names used in error messages. */
  readonly names?: { readonly kek?: string; readonly indexKey?: string };
}

/**
 * KEKs and blind-index root keys given as strings — for production, where a secret manager, systemd
 * credentials or stdin supply them and nothing is written to disk. Read-only: rotate by changing the secret
 * (new key first, old ones after it) and restarting.
 *
 * A bare key gets the id `default` (KEK) / `default` (index root). The blind-index root key is a separate
 * secret on purpose (see `blind-index.ts`): it is not derivable from any KEK.
 */
export class EnvKeyProvider extends RingKeyProvider {
  readonly #rings: { kek: Ring; index: Ring };

  constructor(options: EnvKeyProviderOptions) {
    super();
    const kekName = options.names?.kek ?? 'SANCTUARY_KEK';
    const indexName = options.names?.indexKey ?? 'SANCTUARY_INDEX_KEY';
    if (options.kek === undefined) throw new KeyConfigError(`${kekName} is not set`);
    if (options.indexKey === undefined) throw new KeyConfigError(`${indexName} is not set (the blind-index root key is a separate secret)`);
    const toRing = (list: { current: string; keys: Map<string, Buffer> }): Ring => ({
      current: list.current,
      entries: new Map([...list.keys].map(([id, key]) => [id, { id, key, createdAt: '' }])),
    });
    const kek = toRing(parseKeyList(options.kek, { name: kekName, defaultId: 'default' }));
    const index = toRing(parseKeyList(options.indexKey, { name: indexName, defaultId: 'default' }));
    for (const id of kek.entries.keys()) {
      const idx = [...index.entries.values()].find((e) => e.key.equals(ringGet(kek, id, 'kek').key));
      if (idx) throw new KeyConfigError(`${indexName} entry "${idx.id}" reuses a KEK from ${kekName}; use independent random keys`);
    }
    this.#rings = { kek, index };
  }

  /** Builds a provider from an environment-like record (`config.ts` passes its validated values). */
  static fromEnv(env: Readonly<Record<string, string | undefined>>): EnvKeyProvider {
    return new EnvKeyProvider({ kek: env.SANCTUARY_KEK, indexKey: env.SANCTUARY_INDEX_KEY });
  }

  protected rings(): Promise<{ kek: Ring; index: Ring }> {
    return Promise.resolve(this.#rings);
  }

  /** Overwrites the in-memory keys; the provider is unusable afterwards. */
  close(): void {
    wipeState(this.#rings);
    this.#rings.kek.entries.clear();
    this.#rings.index.entries.clear();
  }
}
