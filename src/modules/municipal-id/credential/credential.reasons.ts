/**
 * The outcome of checking a municipal ID credential, and every specific reason a check can end with.
 *
 * Each reason is a stable code; its translated text is the message key `municipalId.credential.reason.<code>`
 * (catalogs in `locales/credential/`), so the verify page, the API and the offline verifier say the same
 * thing in the person's language. The codes are part of the public API (`POST /api/v1/verify`): never rename one.
 */

/** The four answers a verifier can get. */
export const VERIFICATION_STATUSES = ['valid', 'expired', 'revoked', 'invalid'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** Every reason code, grouped by the step that produces it. */
export const REASONS = [
  // The card is good.
  'ok',
  // What was given to check.
  'input_empty',
  'input_too_long',
  'input_bom',
  'input_whitespace',
  'input_unrecognized',
  // The `shc:/` numeric text.
  'qr_prefix',
  'qr_not_numeric',
  'qr_odd_length',
  'qr_value_out_of_range',
  'qr_too_long',
  'qr_chunked',
  'qr_chunk_invalid',
  'qr_chunk_missing',
  'qr_chunk_too_big',
  'qr_chunk_too_small',
  // A QR code read from an image.
  'qr_segments',
  'qr_version_too_high',
  'image_unreadable',
  'image_too_large',
  'image_no_qr',
  // A `.smart-health-card` file.
  'file_invalid',
  'file_multiple',
  // The compact JWS and its header.
  'jws_malformed',
  'jws_too_long',
  'header_invalid',
  'alg_missing',
  'alg_unsupported',
  'zip_missing',
  'zip_unsupported',
  'kid_missing',
  'signature_malformed',
  // The issuer and its keys.
  'issuer_not_trusted',
  'issuer_not_https',
  'issuer_trailing_slash',
  'kid_unknown',
  'key_invalid',
  'signature_invalid',
  // The payload.
  'payload_inflate_failed',
  'payload_too_large',
  'payload_bom',
  'payload_invalid',
  'iss_missing',
  'nbf_missing',
  'nbf_invalid',
  'not_yet_valid',
  'exp_missing',
  'exp_invalid',
  'exp_before_nbf',
  'expired',
  'type_mismatch',
  'subject_invalid',
  'rid_missing',
  'rid_invalid',
  // Revocation.
  'revoked',
  'crl_unavailable',
  'crl_invalid',
  'crl_version_mismatch',
] as const;

export type ReasonCode = (typeof REASONS)[number];

/** The message key that explains a reason to a person. */
export function reasonMessageKey(reason: ReasonCode): string {
  return `municipalId.credential.reason.${reason}`;
}

/** The message key of a status headline ("Valid", "Expired", …). */
export function statusMessageKey(status: VerificationStatus): string {
  return `municipalId.credential.status.${status}`;
}

/** What a card credential says about its holder: exactly what is printed on the card, nothing more. */
export interface CardFacts {
  /** The card number as printed (with its check digit). */
  number: string;
  /** The name as the person uses it, in any script. */
  name: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth: string;
  /** Last day of validity, `YYYY-MM-DD`. */
  expiresOn: string;
}

/** The answer of {@link import('./credential.verify.ts').verifyCredential}. */
export interface VerificationResult {
  status: VerificationStatus;
  reason: ReasonCode;
  /** The card's facts: only for a signature that verified under the `municipal-id` profile (valid, expired or revoked). */
  card?: CardFacts;
  /** The issuer and key that signed it, once the signature verified. */
  issuer?: string;
  kid?: string;
}

/** An invalid result with a reason. */
export function invalid(reason: ReasonCode): VerificationResult {
  return { status: 'invalid', reason };
}
