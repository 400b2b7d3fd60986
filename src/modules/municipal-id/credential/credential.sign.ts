/**
 * Signing a credential the SMART Health Cards way: minified JSON → raw DEFLATE (RFC 1951, no zlib header)
 * → compact JWS with the protected header `{"alg":"ES256","zip":"DEF","kid":…}`, signed with ECDSA P-256 /
 * SHA-256 and the signature in IEEE P1363 form (r‖s, 64 bytes) as JWS requires — not DER.
 *
 * node:crypto does it directly; `jose` would not deflate a JWS payload (its `zip` is JWE-only).
 */
import { type KeyObject, sign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';

/** The private half of an issuer key, with its RFC 7638 `kid`. */
export interface CredentialSigner {
  kid: string;
  privateKey: KeyObject;
}

/** Signs `claims` (any JSON object) into a compact JWS with a DEFLATE-compressed payload. */
export function signCompactJws(claims: object, signer: CredentialSigner): string {
  if (signer.privateKey.asymmetricKeyType !== 'ec' || signer.privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('issuer keys are ECDSA P-256');
  }
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', zip: 'DEF', kid: signer.kid }), 'utf8').toString('base64url');
  const payload = deflateRawSync(Buffer.from(JSON.stringify(claims), 'utf8'), { level: 9 }).toString('base64url');
  const signingInput = `${header}.${payload}`;
  const signature = sign('sha256', Buffer.from(signingInput, 'latin1'), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
