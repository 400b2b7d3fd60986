/**
 * The P-256 keys that sign municipal ID credentials.
 *
 * Private keys live in a small JSON file beside the KEK file (`ID_ISSUER_KEY_FILE`, default
 * `<key directory>/id-issuer-keys.json`), never in the database: whoever can read or rewrite the database (or a
 * backup of it) must not be able to mint ID cards. The file is kept by core's local key-file store
 * (`core/crypto/key-file.ts`, shared with the audit signing keys): created exclusively on first use with mode
 * 0600 in a 0700 directory, refused when group or others can read it, replaced atomically.
 *
 * The newest key signs; older keys stay until every card they signed has expired (rotation, `sanctuary id
 * keys rotate`), then their private halves are destroyed (`retire`). The public halves are published from the
 * database (`municipal_id_issuer_keys`), so every instance publishes the same key set.
 */
import { type KeyObject, createPublicKey, generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { type KeyFileEntry, type KeyFileKind, LocalKeyFile, keyFileEntry } from '../../../core/crypto/key-file.ts';
import type { CredentialSigner } from './credential.sign.ts';
import { type IssuerJwk, jwkThumbprint } from './credential.trust.ts';

const FORMAT = 'sanctuary-id-issuer-keys';
const VERSION = 1;

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

function newKey(): { stored: KeyFileEntry; key: KeyObject } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { key: privateKey, stored: keyFileEntry(publicJwkOf(privateKey).kid, privateKey, new Date().toISOString()) };
}

/** The issuer key file: P-256 keys whose kid is their RFC 7638 thumbprint; at least one. */
const KIND: KeyFileKind = {
  format: FORMAT,
  version: VERSION,
  name: 'ID issuer key',
  requireKeys: true,
  error: (message, options) => new IssuerKeyError(message, options),
  check: (key, kid) =>
    key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
      ? 'is not P-256'
      : publicJwkOf(key).kid !== kid
        ? 'does not match its kid (RFC 7638 thumbprint)'
        : undefined,
};

/** The issuer's signing keys, loaded from the key file. */
export class IssuerKeyStore {
  private constructor(
    private readonly store: LocalKeyFile,
    private keys: Array<{ kid: string; key: KeyObject; createdAt: string }>,
    private mtimeMs: number,
  ) {}

  /** The key file's path. */
  get file(): string {
    return this.store.file;
  }

  /**
   * Opens the key file, creating it with a fresh key when it does not exist (unless `create` is false).
   * @throws IssuerKeyError on an unreadable, unsafe or malformed file
   */
  static async open(file: string, options: { create?: boolean } = {}): Promise<IssuerKeyStore> {
    const store = new LocalKeyFile(file, KIND);
    const loaded = await store.open(() => ({ keys: [newKey().stored] }), options);
    return new IssuerKeyStore(store, loaded.keys, loaded.mtimeMs);
  }

  /** Re-reads the file when another process (the CLI's rotate) changed it. Cheap: one stat. */
  async refresh(): Promise<void> {
    const mtimeMs = await this.store.mtimeMs();
    if (mtimeMs === undefined || mtimeMs === this.mtimeMs) return;
    const fresh = await this.store.read();
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
    const stored = this.keys.map((k) => keyFileEntry(k.kid, k.key, k.createdAt));
    stored.push(fresh.stored);
    this.mtimeMs = await this.store.replace({ keys: stored });
    this.keys.push({ kid: fresh.stored.kid, key: fresh.key, createdAt: fresh.stored.createdAt });
    return fresh.stored.kid;
  }

  /** Destroys the private halves of retired keys (never the current one). Returns the kids removed. */
  async destroy(kids: readonly string[]): Promise<string[]> {
    const currentKid = this.current().kid;
    const remove = new Set(kids.filter((k) => k !== currentKid && this.keys.some((x) => x.kid === k)));
    if (remove.size === 0) return [];
    const keep = this.keys.filter((k) => !remove.has(k.kid));
    this.mtimeMs = await this.store.replace({ keys: keep.map((k) => keyFileEntry(k.kid, k.key, k.createdAt)) });
    this.keys = keep;
    return [...remove];
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
