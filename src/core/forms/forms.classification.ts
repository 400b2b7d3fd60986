import { defineClassification } from '../privacy/classification.ts';

/**
 * Classification of the forms engine's table. A draft holds a resident's unsent answers: data on an
 * individual, `private` (Minn. Stat. §13.02 subd. 12), kept only until sent or 7 days (the form's `draftDays`)
 * after the last save; a sent form's receipt for one hour.
 */
export const formsClassification = defineClassification([
  {
    table: 'form_drafts',
    class: 'private',
    purpose: 'Unsent answers of a guided public form, so a person can go back, check and resume their answers',
    retention: "The form's draftDays (default 7) after the last save; a sent form's receipt for one hour",
    columns: {
      id: 'Random draft id',
      form_id: 'Which form the draft belongs to',
      form_version: 'The form version the answers were given for',
      token_hash: { purpose: 'SHA-256 of the random browser token that ties the draft to one browser', class: 'confidential' },
      resume_index: { purpose: 'Find the draft by its resume code (keyed blind index; the code is never stored)', protection: 'blindIndex', class: 'confidential' },
      sealed: { purpose: 'The answers given so far, or the receipt after sending (written through draft-crypto.ts)', protection: 'encrypted' },
      submitted_at: 'When the form was sent',
      expires_at: 'When the draft (or receipt) is deleted',
      created_at: 'When the draft was started',
      updated_at: 'When the draft was last saved',
    },
  },
]);
