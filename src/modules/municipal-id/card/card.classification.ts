import { defineClassification } from '../../../core/privacy/classification.ts';
import { DOCUMENT_INDEX_LEGAL_NEED, PHOTO_LEGAL_NEED } from '../enrolment/enrolment.classification.ts';

/**
 * Classification of the card records (migrations/card.ts). A holder is a vault subject: forgetting it — on
 * request, or by the retention policy `municipal-id.card-holder` after the last card expired plus a grace
 * period — deletes the holder and the cards and destroys the key of everything sealed.
 */
export const cardClassification = defineClassification([
  {
    table: 'id_card_holders',
    class: 'private',
    purpose: 'Municipal ID card holders: what is printed on their card, kept to reprint, replace and renew it',
    retention: 'municipal-id.card-holder',
    subjectColumn: 'id',
    program: 'municipal-id',
    columns: {
      id: 'Random holder id; also the vault subject whose key seals the holder’s values',
      person_index: { purpose: 'Keyed blind index of name and date of birth, to find a possible second card of the same person in this program', protection: 'blindIndex' },
      document_index: {
        purpose: 'Keyed blind index of one identity document type and passport number, to catch a second card for the same document',
        protection: 'blindIndex',
        legalNeed: DOCUMENT_INDEX_LEGAL_NEED,
      },
      name_sealed: { purpose: 'The name printed on the card, as the person uses it', protection: 'encrypted' },
      birth_date_sealed: { purpose: 'The date of birth printed on the card', protection: 'encrypted' },
      designations_sealed: { purpose: 'Optional designations printed on the card: gender as the person chose it (F, M, X or none), veteran', protection: 'encrypted' },
      photo_sealed: { purpose: 'The holder’s photo printed on the card, re-encoded without metadata', protection: 'encrypted', legalNeed: PHOTO_LEGAL_NEED },
      created_at: 'When the holder’s first card was approved',
      updated_at: 'When the holder’s record last changed',
      forget_after: 'When the holder is forgotten: the last card’s expiry plus the grace period',
    },
  },
  {
    table: 'id_cards',
    class: 'private',
    purpose: 'Municipal ID cards: number, dates, status and the signed credential printed on each',
    retention: 'municipal-id.card-holder',
    subjectColumn: 'holder_id',
    program: 'municipal-id',
    columns: {
      id: 'Random card record id',
      holder_id: 'The card holder (vault subject)',
      number_index: { purpose: 'Keyed blind index of the card number, to find a card by its number', protection: 'blindIndex' },
      number_sealed: { purpose: 'The card number as printed', protection: 'encrypted' },
      variant: 'Youth, adult or senior card (age band from the jurisdiction profile)',
      status: 'Queued for printing, printed, issued to the holder, or revoked',
      issued_on: 'Issue date printed on the card',
      expires_on: 'Expiry date printed on the card',
      credential_sealed: { purpose: 'The signed credential printed as the QR code (holds name and date of birth), so a reprint is identical', protection: 'encrypted' },
      kid: 'The issuer key that signed the credential',
      rid: 'The credential’s random revocation id (published only when revoked)',
      application_id: 'The application the card was approved from, to tell the applicant the card is ready (the application itself is forgotten 30 days after the decision)',
      replaces_card_id: 'The card this one replaces or renews',
      revocation_reason: 'Why the card was revoked (lost, stolen, damaged, renewed, holder request, …)',
      print_count: 'How many times the card was printed (reprints)',
      created_at: 'When the card was approved',
      updated_at: 'When the card record last changed',
      printed_at: 'When the card was last printed',
      handed_over_at: 'When the card was handed to the holder',
      revoked_at: 'When the card was revoked',
    },
  },
  {
    table: 'id_card_counts',
    class: 'public',
    purpose: 'Municipal ID cards made per month and ward, for the public figures (small cells suppressed when published)',
    retention: 'Kept as statistics (no data on individuals)',
    columns: {
      month: 'Month the card was made (YYYY-MM, city time)',
      ward: 'City ward of the application, or none (no fixed address, or placed outside the ward map)',
      count: 'Number of cards',
    },
  },
]);
