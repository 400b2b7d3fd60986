/**
 * The P-256 keys that sign municipal ID credentials.
 *
 * Private keys live in a small JSON file beside the KEK file (`ID_ISSUER_KEY_FILE`, default
 * `<key directory>/id-issuer-keys.json`), never in the database: whoever can read or rewrite the database (or a
 * backup of it) must not be able to mint ID cards. Same rules as the audit signing key file: created on first
 * use with mode 0600 in a 0700 directory, created exclusively (two processes starting together end up with
 * one key), refused when group or others can read it, replaced atomically.
 *
 * The newest key signs; older keys stay until every card they signed has expired (rotation, `sanctuary id
 * keys rotate`), then their private halves are destroyed (`retire`). The public halves are published from the
 * database (`municipal_id_issuer_keys`), so every instance publishes the same key set.
 */
import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CredentialSigner } from './credential.sign.ts';
import { type IssuerJwk, jwkThumbprint } from './credential.trust.ts';

const FORMAT = 'sanctuary-id-issuer-keys';
const VERSION = 1;

interface StoredKey {
  kid: string;
  privateKey: string;
  createdAt: string;
}

interface KeyFileJson {
  format: typeof FORMAT;
  version: typeof VERSION;
  keys: StoredKey[];
}

/** A problem with the issuer key file; the message says what to fix and never contains key material. */
export class IssuerKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IssuerKeyError';
  }
}

/** The public JWK of a P-256 key, with `kid` = RFC 7638 thumbprint. */
export function publicJwkOf(key: KeyObject): IssuerJwk {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new IssuerKeyError('issuer keys must be EC P-256');
  }
  const kid = jwkThumbprint({ crv: 'P-256', kty: 'EC', x: jwk.x, y: jwk.y });
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, use: 'sig', alg: 'ES256' };
}

function newKey(): { stored: StoredKey; key: KeyObject } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = publicJwkOf(privateKey).kid;
  return { key: privateKey, stored: { kid, privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url'), createdAt: new Date().toISOString() } };
}

/** The issuer's signing keys, loaded from the key file. */
export class IssuerKeyStore {
  private constructor(
    readonly file: string,
    private keys: Array<{ kid: string; key: KeyObject; createdAt: string }>,
    private mtimeMs: number,
  ) {}

  /**
   * Opens the key file, creating it with a fresh key when it does not exist (unless `create` is false).
   * @throws IssuerKeyError on an unreadable, unsafe or malformed file
   */
  static async open(file: string, options: { create?: boolean } = {}): Promise<IssuerKeyStore> {
    const full = path.resolve(file);
    try {
      return await IssuerKeyStore.read(full);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (options.create === false) throw new IssuerKeyError(`ID issuer key file ${full} does not exist`, { cause: err });
    }
    await fs.mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
    await writeFileAtomic(full, { format: FORMAT, version: VERSION, keys: [newKey().stored] }, { exclusive: true });
    // Whoever created the file first wins; read what is on disk.
    return IssuerKeyStore.read(full);
  }

  private static async read(file: string): Promise<IssuerKeyStore> {
    const handle = await fs.open(file, 'r');
    let text: string;
    let mtimeMs: number;
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new IssuerKeyError(`ID issuer key file ${file} is not a regular file`);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        throw new IssuerKeyError(`ID issuer key file ${file} is readable by group or others; run: chmod 600 '${file}'`);
      }
      if (st.size > 1 << 20) throw new IssuerKeyError(`ID issuer key file ${file} is implausibly large`);
      mtimeMs = st.mtimeMs;
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
    let json: KeyFileJson;
    try {
      json = JSON.parse(text) as KeyFileJson;
    } catch (cause) {
      throw new IssuerKeyError(`ID issuer key file ${file} is not valid JSON`, { cause });
    }
    if (json?.format !== FORMAT || json.version !== VERSION || !Array.isArray(json.keys) || json.keys.length === 0) {
      throw new IssuerKeyError(`${file} is not a Sanctuary ID issuer key file (version ${VERSION}) with at least one key`);
    }
    const keys = json.keys.map((k) => {
      if (typeof k?.kid !== 'string' || typeof k.privateKey !== 'string') throw new IssuerKeyError(`ID issuer key file ${file} has a malformed key entry`);
      let key: KeyObject;
      try {
        key = createPrivateKey({ key: Buffer.from(k.privateKey, 'base64url'), format: 'der', type: 'pkcs8' });
      } catch (cause) {
        throw new IssuerKeyError(`ID issuer key "${k.kid}" in ${file} is not a valid PKCS#8 key`, { cause });
      }
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new IssuerKeyError(`ID issuer key "${k.kid}" in ${file} is not P-256`);
      if (publicJwkOf(key).kid !== k.kid) throw new IssuerKeyError(`ID issuer key "${k.kid}" in ${file} does not match its kid (RFC 7638 thumbprint)`);
      return { kid: k.kid, key, createdAt: typeof k.createdAt === 'string' ? k.createdAt : '' };
    });
    return new IssuerKeyStore(file, keys, mtimeMs);
  }

  /** Re-reads the file when another process (the CLI's rotate) changed it. Cheap: one stat. */
  async refresh(): Promise<void> {
    let st;
    try {
      st = await fs.stat(this.file);
    } catch {
      return;
    }
    if (st.mtimeMs === this.mtimeMs) return;
    const fresh = await IssuerKeyStore.read(this.file);
    this.keys = fresh.keys;
    this.mtimeMs = fresh.mtimeMs;
  }

  /** The key that signs new credentials: the newest. */
  current(): CredentialSigner {
    const k = this.keys[this.keys.length - 1];
    if (!k) throw new IssuerKeyError(`ID issuer key file ${this.file} has no key`);
    return { kid: k.kid, privateKey: k.key };
  }

  /** Every key's public JWK and creation time, oldest first. */
  publicKeys(): Array<{ jwk: IssuerJwk; createdAt: string }> {
    return this.keys.map((k) => ({ jwk: publicJwkOf(k.key), createdAt: k.createdAt }));
  }

  /** Adds a fresh key, which signs from now on. Returns its kid. */
  async rotate(): Promise<string> {
    const fresh = newKey();
    const stored: StoredKey[] = this.keys.map((k) => ({ kid: k.kid, privateKey: k.key.export({ format: 'der', type: 'pkcs8' }).toString('base64url'), createdAt: k.createdAt }));
    stored.push(fresh.stored);
    await writeFileAtomic(this.file, { format: FORMAT, version: VERSION, keys: stored }, { exclusive: false });
    this.keys.push({ kid: fresh.stored.kid, key: fresh.key, createdAt: fresh.stored.createdAt });
    this.mtimeMs = (await fs.stat(this.file)).mtimeMs;
    return fresh.stored.kid;
  }

  /** Destroys the private halves of retired keys (never the current one). Returns the kids removed. */
  async destroy(kids: readonly string[]): Promise<string[]> {
    const currentKid = this.current().kid;
    const remove = new Set(kids.filter((k) => k !== currentKid && this.keys.some((x) => x.kid === k)));
    if (remove.size === 0) return [];
    const keep = this.keys.filter((k) => !remove.has(k.kid));
    const stored: StoredKey[] = keep.map((k) => ({ kid: k.kid, privateKey: k.key.export({ format: 'der', type: 'pkcs8' }).toString('base64url'), createdAt: k.createdAt }));
    await writeFileAtomic(this.file, { format: FORMAT, version: VERSION, keys: stored }, { exclusive: false });
    this.keys = keep;
    this.mtimeMs = (await fs.stat(this.file)).mtimeMs;
    return [...remove];
  }
}

/** Temp file (0600, fsynced) then link (exclusive create) or rename (replace), then fsync the directory. */
async function writeFileAtomic(file: string, json: KeyFileJson, options: { exclusive: boolean }): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
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
        await fs.link(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    } else {
      await fs.rename(tmp, file);
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

/** One store per key file per process (imported keys are reused). */
const stores = new Map<string, Promise<IssuerKeyStore>>();

/** The process-wide store for `file`, opened (and created) on first use; picks up rotations by other processes. */
export async function issuerKeyStore(file: string, options: { create?: boolean } = {}): Promise<IssuerKeyStore> {
  const full = path.resolve(file);
  let pending = stores.get(full);
  if (!pending) {
    pending = IssuerKeyStore.open(full, options);
    stores.set(full, pending);
    pending.catch(() => stores.delete(full));
  }
  const store = await pending;
  await store.refresh();
  return store;
}
