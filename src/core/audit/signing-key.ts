/**
 * The Ed25519 keys that sign audit checkpoints.
 *
 * They live in a small JSON file next to the KEK file (`AUDIT_KEY_FILE`, by default
 * `<key directory>/audit-signing.json`), never in the database: whoever can rewrite the database must not
 * also be able to sign a rewritten chain head. Same rules as the KEK file: created on first use with mode
 * 0600 in a 0700 directory, created exclusively (two processes starting together end up with one key),
 * refused when group or others can read it.
 *
 * Old keys stay in the file (with `current` naming the one that signs) so checkpoints signed before a
 * rotation still verify. Only public keys ever leave the file (`/.well-known/audit-key.json`).
 */
import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomId } from '../crypto/random.ts';

const FORMAT = 'sanctuary-audit-signing-keys';
const VERSION = 1;
const KID = /^[A-Za-z0-9_-]{1,64}$/;

/** The public half of a signing key as a JSON Web Key (RFC 8037). */
export interface AuditPublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** A public key that verifies checkpoints. */
export interface AuditVerifyKey {
  kid: string;
  key: KeyObject;
  jwk: AuditPublicJwk;
}

interface StoredKey {
  kid: string;
  privateKey: string;
  createdAt: string;
}

interface KeyFileJson {
  format: typeof FORMAT;
  version: typeof VERSION;
  current: string;
  keys: StoredKey[];
}

/** A problem with the signing key file; the message says what to fix and never contains key material. */
export class AuditKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditKeyError';
  }
}

function publicJwk(kid: string, pub: KeyObject): AuditPublicJwk {
  const jwk = pub.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new AuditKeyError('Ed25519 public key did not export as a JWK');
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' };
}

/** Turns a published JWK back into a verification key (for `audit verify --public-key`). */
export function verifyKeyFromJwk(jwk: unknown): AuditVerifyKey {
  const j = jwk as Partial<AuditPublicJwk>;
  if (typeof j !== 'object' || j === null || j.kty !== 'OKP' || j.crv !== 'Ed25519' || typeof j.x !== 'string' || typeof j.kid !== 'string') {
    throw new AuditKeyError('not an Ed25519 public JWK with a kid');
  }
  if (!KID.test(j.kid)) throw new AuditKeyError('JWK has an invalid kid');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: j.x }, format: 'jwk' });
  return { kid: j.kid, key, jwk: publicJwk(j.kid, key) };
}

/** Reads a JWK set (`{ keys: [...] }`, as served at `/.well-known/audit-key.json`). */
export function verifyKeysFromJwks(doc: unknown): AuditVerifyKey[] {
  const keys = (doc as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new AuditKeyError('expected a JWK set: { "keys": [ … ] }');
  return keys.map(verifyKeyFromJwk);
}

/** Signs with `key`; verification with {@link verifySignature}. Ed25519 signs the message itself (no pre-hash). */
export function signMessage(key: KeyObject, message: Buffer): string {
  return sign(null, message, key).toString('base64url');
}

/** True when `signature` (base64url) is `key`'s signature of `message`. */
export function verifySignature(key: KeyObject, message: Buffer, signature: string): boolean {
  try {
    return verify(null, message, key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** The signing keys, loaded from the key file. */
export class AuditKeyStore {
  private constructor(
    readonly file: string,
    private current: string,
    private readonly privateKeys: Map<string, KeyObject>,
    private readonly created: Map<string, string>,
  ) {}

  /**
   * Opens the key file, creating it with a fresh key when it does not exist (and `create` is not false).
   * @throws AuditKeyError on an unreadable, unsafe or malformed file
   */
  static async open(file: string, options: { create?: boolean } = {}): Promise<AuditKeyStore> {
    const full = path.resolve(file);
    try {
      return await AuditKeyStore.read(full);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || options.create === false) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AuditKeyError(`audit signing key file ${full} does not exist`, { cause: err });
        throw err;
      }
    }
    const kid = randomId();
    const { privateKey } = generateKeyPairSync('ed25519');
    const json: KeyFileJson = {
      format: FORMAT,
      version: VERSION,
      current: kid,
      keys: [{ kid, privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url'), createdAt: new Date().toISOString() }],
    };
    await fs.mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
    await writeFileAtomic(full, json, { exclusive: true });
    // Whoever created the file first wins; read what is on disk.
    return AuditKeyStore.read(full);
  }

  private static async read(file: string): Promise<AuditKeyStore> {
    const handle = await fs.open(file, 'r');
    let text: string;
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new AuditKeyError(`audit signing key file ${file} is not a regular file`);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        throw new AuditKeyError(`audit signing key file ${file} is readable by group or others; run: chmod 600 '${file}'`);
      }
      if (st.size > 1 << 20) throw new AuditKeyError(`audit signing key file ${file} is implausibly large`);
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
    let json: KeyFileJson;
    try {
      json = JSON.parse(text) as KeyFileJson;
    } catch (cause) {
      throw new AuditKeyError(`audit signing key file ${file} is not valid JSON`, { cause });
    }
    if (json?.format !== FORMAT || json.version !== VERSION || !Array.isArray(json.keys)) {
      throw new AuditKeyError(`${file} is not a Sanctuary audit signing key file (version ${VERSION})`);
    }
    const privateKeys = new Map<string, KeyObject>();
    const created = new Map<string, string>();
    for (const k of json.keys) {
      if (typeof k?.kid !== 'string' || !KID.test(k.kid) || typeof k.privateKey !== 'string') {
        throw new AuditKeyError(`audit signing key file ${file} has a malformed key entry`);
      }
      let key: KeyObject;
      try {
        key = createPrivateKey({ key: Buffer.from(k.privateKey, 'base64url'), format: 'der', type: 'pkcs8' });
      } catch (cause) {
        throw new AuditKeyError(`audit signing key "${k.kid}" in ${file} is not a valid PKCS#8 key`, { cause });
      }
      if (key.asymmetricKeyType !== 'ed25519') throw new AuditKeyError(`audit signing key "${k.kid}" in ${file} is not Ed25519`);
      privateKeys.set(k.kid, key);
      created.set(k.kid, typeof k.createdAt === 'string' ? k.createdAt : '');
    }
    if (!privateKeys.has(json.current)) throw new AuditKeyError(`audit signing key file ${file} names a current key it does not contain`);
    return new AuditKeyStore(file, json.current, privateKeys, created);
  }

  /** The id of the key new checkpoints are signed with. */
  get currentKid(): string {
    return this.current;
  }

  /** Signs `message` with the current key. */
  sign(message: Buffer): { kid: string; signature: string } {
    const key = this.privateKeys.get(this.current) as KeyObject;
    return { kid: this.current, signature: signMessage(key, message) };
  }

  /** Every public key (current first), for verifying and publishing. */
  verifyKeys(): AuditVerifyKey[] {
    const ids = [this.current, ...[...this.privateKeys.keys()].filter((k) => k !== this.current)];
    return ids.map((kid) => {
      const pub = createPublicKey(this.privateKeys.get(kid) as KeyObject);
      return { kid, key: pub, jwk: publicJwk(kid, pub) };
    });
  }

  /** The JWK set published at `/.well-known/audit-key.json`. */
  jwks(): { keys: AuditPublicJwk[] } {
    return { keys: this.verifyKeys().map((k) => k.jwk) };
  }

  /**
   * Adds a fresh key and makes it current (old keys stay, to verify old checkpoints). Other running instances
   * pick it up on restart; until then they keep signing with the previous key, which still verifies.
   */
  async rotate(): Promise<string> {
    const kid = randomId();
    const { privateKey } = generateKeyPairSync('ed25519');
    const keys: StoredKey[] = [...this.privateKeys].map(([k, v]) => ({
      kid: k,
      privateKey: v.export({ format: 'der', type: 'pkcs8' }).toString('base64url'),
      createdAt: this.created.get(k) ?? '',
    }));
    const createdAt = new Date().toISOString();
    keys.push({ kid, privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url'), createdAt });
    await writeFileAtomic(this.file, { format: FORMAT, version: VERSION, current: kid, keys }, { exclusive: false });
    this.privateKeys.set(kid, privateKey);
    this.created.set(kid, createdAt);
    this.current = kid;
    return kid;
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
