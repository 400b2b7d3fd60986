/**
 * The credential part's stable surface for the rest of the municipal ID module (the card part) and anything
 * else that needs to check a card. Semantics: docs/municipal-id-credential.md ("For the card part").
 */
export { cardFactsProblem, MAX_NAME_BYTES, MAX_NAME_CHARS, MUNICIPAL_ID_TYPE } from './credential.claims.ts';
export { credentialQrMatrix, credentialQrPng, credentialQrSvg, type QrMatrix } from './credential.qr.ts';
export { type CardFacts, type ReasonCode, type VerificationResult, type VerificationStatus, reasonMessageKey, statusMessageKey } from './credential.reasons.ts';
export {
  type CardForCredential,
  type CredentialContext,
  type IssuedCredential,
  REVOCATION_REASONS,
  type RevocationReason,
  issueCredential,
  issuerVerifier,
  revokeCard,
} from './credential.service.ts';
export { TrustedIssuers } from './credential.trust.ts';
export { type CredentialInput, type VerificationProfile, verifyCredential } from './credential.verify.ts';
