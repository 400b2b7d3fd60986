import { defineClassification } from '../../../core/privacy/classification.ts';

/** The legal need for keeping the holder's photo (a forbidden category: images). */
export const PHOTO_LEGAL_NEED =
  'The municipal ID card carries the holder\'s photograph so that a verifier can match card and person (Minneapolis municipal ID plan, Dec 2018; IDNYC and SF City ID card fields, reference/minneapolis-law.md §3.2, reference/credentials-geodata.md §3.2). Re-encoded without metadata, sealed under the subject\'s key, and the only image the platform keeps.';

/** The legal need for the blind index of a document number (a forbidden category: document numbers). */
export const DOCUMENT_INDEX_LEGAL_NEED =
  'Only a keyed blind index, never the number: it lets staff see that one identity document (e.g. a foreign passport) was already used for another card in this program, so one person is not issued two cards (duplicate prevention, issue 4 item 4). Exact-match only; deleted with the record.';

/**
 * Classification of the enrolment record (migrations/enrolment.ts). The row belongs to the application's
 * vault subject: forgotten with the application, 30 days after the decision by default.
 */
export const enrolmentClassification = defineClassification([
  {
    table: 'id_enrolments',
    class: 'private',
    purpose: 'What enrolment staff checked for a municipal ID application: identity confirmed, document types and points, fee waiver, photo',
    retention: 'Forgotten with its application (the application retention: 30 days after the decision by default)',
    subjectColumn: 'application_id',
    program: 'municipal-id',
    columns: {
      application_id: "The application (also its vault subject, whose key seals this row's values)",
      identity_confirmed: 'Whether staff confirmed the applicant is the person the documents name (0/1)',
      documents_sealed: { purpose: 'The document types staff checked and the points each gave (types only; never a copy or number)', protection: 'encrypted' },
      identity_points: 'Identity points the checked documents add up to',
      residency_points: 'Residency points the checked documents add up to',
      document_index: {
        purpose: 'Keyed blind index of one identity document type and passport number, to catch a second card for the same document',
        protection: 'blindIndex',
        legalNeed: DOCUMENT_INDEX_LEGAL_NEED,
      },
      fee_waiver: 'Whether the fee waiver the applicant claimed was verified (not-claimed, verified, not-verified)',
      photo_sealed: {
        purpose: "The card holder's photo, re-encoded without metadata, until the decision (then moved to the card holder or erased)",
        protection: 'encrypted',
        legalNeed: PHOTO_LEGAL_NEED,
      },
      duplicates_checked_at: 'When staff checked the possible duplicates and found they are other people',
      duplicates_checked_by: 'The staff member who checked them (user id)',
      enrolled_at: 'When staff recorded the enrolment',
      enrolled_by: 'The staff member who checked the documents (user id)',
      portrait_taken_at: 'When the photo was taken',
      portrait_taken_by: 'The staff member who took it (user id)',
      updated_at: 'When the record last changed',
    },
  },
]);
