import { defineClassification } from '../../../core/privacy/classification.ts';

/**
 * Classification of the credential tables (migrations/credential.ts). The signed credential itself — which
 * carries the holder's name and date of birth — is never stored: it is printed on the card and can be issued
 * again. What is kept links a card to its keys and revocation id, and nothing about the person.
 */
export const credentialClassification = defineClassification([
  {
    table: 'municipal_id_issuer_keys',
    class: 'public',
    purpose: "The public halves of the city's ID-card signing keys, published at /.well-known/jwks.json so anyone can check a card",
    retention: 'Until every card the key signed has expired; then retired (kept, unpublished, as a record of the key)',
    columns: {
      kid: 'Key id: the RFC 7638 thumbprint of the public key',
      public_jwk: 'The public key as a JSON Web Key (the private half is in the issuer key file, never in the database)',
      crl_ctr: "Version of the key's revocation list, bumped by each revocation and published as crlVersion",
      created_at: 'When the key was made',
      last_expires_at: 'Expiry of the last card the key signed: the key stays published until then',
      retired_at: 'When the key was retired (unpublished, private half destroyed)',
    },
  },
  {
    table: 'municipal_id_credentials',
    class: 'private',
    purpose: 'Which signed credential each municipal ID card carries, so the card can be revoked; not the credential itself',
    retention: 'As long as the card record; deleted with it when the card holder is forgotten',
    subjectColumn: 'subject_id',
    program: 'municipal-id',
    columns: {
      id: 'Random credential id',
      card_id: 'The card record the credential was issued for',
      subject_id: 'The vault subject of the card holder, so the row goes when the holder is forgotten',
      kid: 'The issuer key that signed it',
      rid: "The card's random revocation id (base64url; not derived from the card number)",
      not_before: 'When the credential became valid (its nbf)',
      expires_at: 'When the credential stops being valid (its exp)',
      issued_at: 'When it was issued',
    },
  },
  {
    table: 'municipal_id_revocations',
    class: 'private',
    purpose: 'Revoked cards, by revocation id, for the published revocation lists at /.well-known/crl/<kid>.json',
    retention: 'Until the key that signed the revoked cards is retired',
    columns: {
      kid: { purpose: 'The key whose revocation list carries the entry', class: 'public' },
      rid: { purpose: 'The revoked card’s random revocation id, published in the list', class: 'public' },
      rtime: { purpose: 'Revocation time (Unix seconds): credentials with this rid issued before it are revoked; published', class: 'public' },
      reason: 'Why the card was revoked (lost, stolen, replaced, …); never published',
      revoked_at: 'When the card was revoked',
    },
  },
  {
    table: 'municipal_id_verification_counts',
    class: 'public',
    purpose: 'How many verifications the public verify page and API answered per day and outcome — counts only, never what was checked',
    retention: 'Kept as statistics (no data on individuals)',
    columns: {
      day: 'The day (UTC)',
      channel: 'web page or API',
      status: 'valid, expired, revoked or invalid',
      count: 'Number of verifications',
    },
  },
]);
