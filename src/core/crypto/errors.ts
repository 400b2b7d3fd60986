/**
 * Typed errors of the crypto package. Each has a stable `code` so the HTTP layer can map it to an `AppError`
 * without parsing messages. Messages never contain key material, plaintext or ciphertext.
 */

/** Base class of every error thrown on purpose by `core/crypto`. */
export class CryptoError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Why a decryption failed. `authentication` covers both a wrong key and a wrong context (AAD): AES-GCM cannot tell them apart. */
export type DecryptFailure = 'malformed' | 'unsupported_version' | 'key_mismatch' | 'authentication';

/**
 * A sealed value or wrapped key could not be opened: malformed input, a key that does not match, or a failed
 * authentication tag (tampering, or a ciphertext moved to another row or column). Callers must treat all of
 * them the same way — the data is not available — and must not retry with other keys or contexts.
 */
export class DecryptError extends CryptoError {
  readonly reason: DecryptFailure;

  constructor(reason: DecryptFailure, message?: string, options?: { cause?: unknown }) {
    super('crypto.decrypt_failed', message ?? `decryption failed (${reason})`, options);
    this.reason = reason;
  }
}

/**
 * A key id is not (or no longer) known to the key provider: the KEK was destroyed after rotation, or a data
 * key was shredded. For a shredded subject this is the expected, permanent outcome.
 */
export class KeyNotFoundError extends CryptoError {
  readonly keyId: string;

  constructor(kind: 'kek' | 'index-root' | 'data-key', keyId: string) {
    super('crypto.key_not_found', `${kind} "${keyId}" is not available`);
    this.keyId = keyId;
  }
}

/**
 * The key configuration is unusable: unsafe key file permissions, unparsable key file, bad `SANCTUARY_KEK`
 * syntax, a refused rotation step. The message says what to fix; it never echoes secret values.
 */
export class KeyConfigError extends CryptoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('crypto.key_config', message, options);
  }
}
