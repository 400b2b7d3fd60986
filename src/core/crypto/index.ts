/**
 * `core/crypto`: keys, envelope encryption, blind indexes, passwords, TOTP and random identifiers.
 * Modules import from here, never from the individual files.
 */
export { CryptoError, DecryptError, KeyConfigError, KeyNotFoundError, type DecryptFailure } from './errors.ts';
export {
  EnvKeyProvider,
  KEY_BYTES,
  KEY_ID_PATTERN,
  LocalFileKeyProvider,
  generateKeyString,
  parseKeyList,
  type EnvKeyProviderOptions,
  type IndexRootKey,
  type Kek,
  type KeyInfo,
  type KeyProvider,
  type LocalFileKeyProviderOptions,
  type LocalKeyProvider,
  type WrappedKey,
} from './key-provider.ts';
export {
  destroyDataKey,
  generateDataKey,
  open,
  openJson,
  openText,
  parseWrappedDataKey,
  rewrapDataKey,
  seal,
  sealJson,
  sealedKeyId,
  unwrapDataKey,
  wrapDataKey,
  type DataKey,
  type DataKeyContext,
  type SealContext,
} from './envelope.ts';
export {
  NORMALIZE_PRESETS,
  blindIndex,
  deriveIndexKey,
  deriveIndexKeyFromRoot,
  normalizeValue,
  type BlindIndexKey,
  type BlindIndexOptions,
  type NormalizeStep,
  type Normalizer,
} from './blind-index.ts';
export {
  PASSWORD_HASH_PARAMS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  checkPasswordPolicy,
  commonPasswordList,
  hashPassword,
  needsRehash,
  parseArgon2idParams,
  verifyPassword,
  type PasswordContext,
  type PasswordProblem,
} from './passwords.ts';
export { generateTotp, generateTotpSecret, totpStep, totpUri, verifyTotp, type TotpMatch } from './totp.ts';
export {
  CROCKFORD_ALPHABET,
  isRandomId,
  isValidReferenceCode,
  normalizeReferenceCode,
  randomId,
  randomIdTimestamp,
  randomToken,
  referenceCode,
} from './random.ts';
