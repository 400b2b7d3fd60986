/**
 * The Ed25519 keys that sign audit checkpoints.
 *
 * They live in a small JSON file next to the KEK file (`AUDIT_KEY_FILE`, by default
 * `<key directory>/audit-signing.json`), never in the database: whoever can rewrite the database must not
 * also be able to sign a rewritten chain head. The file is kept by the shared local key-file store
 * (`core/crypto/key-file.ts`: created exclusively on first use with mode 0600 in a 0700 directory, refused when
 * group or others can read it, replaced atomically).
 *
 * Old keys stay in the file (with `current` naming the one that signs) so checkpoints signed before a
 * rotation still verify. Only public keys ever leave the file (`/.well-known/audit-key.json`).
 */
import { type KeyObject, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { type KeyFileKind, LocalKeyFile, keyFileEntry } from '../crypto/key-file.ts';
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

/** The audit key file: Ed25519 keys with short random ids. */
const KIND: KeyFileKind = {
  format: FORMAT,
  version: VERSION,
  name: 'audit signing key',
  error: (message, options) => new AuditKeyError(message, options),
  check: (key, kid) => (!KID.test(kid) ? 'has a malformed id' : key.asymmetricKeyType !== 'ed25519' ? 'is not Ed25519' : undefined),
};

/** The signing keys, loaded from the key file. */
export class AuditKeyStore {
  private constructor(
    private readonly store: LocalKeyFile,
    private current: string,
    private readonly privateKeys: Map<string, KeyObject>,
    private readonly created: Map<string, string>,
  ) {}

  /** The key file's path. */
  get file(): string {
    return this.store.file;
  }

  /**
   * Opens the key file, creating it with a fresh key when it does not exist (and `create` is not false).
   * @throws AuditKeyError on an unreadable, unsafe or malformed file
   */
  static async open(file: string, options: { create?: boolean } = {}): Promise<AuditKeyStore> {
    const store = new LocalKeyFile(file, KIND);
    const loaded = await store.open(() => {
      const kid = randomId();
      const { privateKey } = generateKeyPairSync('ed25519');
      return { current: kid, keys: [keyFileEntry(kid, privateKey, new Date().toISOString())] };
    }, options);
    const privateKeys = new Map(loaded.keys.map((k) => [k.kid, k.key]));
    if (loaded.current === undefined || !privateKeys.has(loaded.current)) {
      throw new AuditKeyError(`audit signing key file ${store.file} names a current key it does not contain`);
    }
    return new AuditKeyStore(store, loaded.current, privateKeys, new Map(loaded.keys.map((k) => [k.kid, k.createdAt])));
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
    const createdAt = new Date().toISOString();
    const keys = [...this.privateKeys].map(([k, v]) => keyFileEntry(k, v, this.created.get(k) ?? ''));
    keys.push(keyFileEntry(kid, privateKey, createdAt));
    await this.store.replace({ current: kid, keys });
    this.privateKeys.set(kid, privateKey);
    this.created.set(kid, createdAt);
    this.current = kid;
    return kid;
  }
}
