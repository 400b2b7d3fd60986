import { defineClassification } from '../../../core/privacy/classification.ts';
import { APPLICATION_RECORD } from './application.service.ts';

/**
 * Classification of `id_applications`. An application is data on an individual: `private` (Minn. Stat.
 * §13.02 subd. 12) — the form tells applicants that, until a statute says so, municipal-ID data may be
 * presumed public, which is why so little is kept and so briefly. The row is its own vault subject
 * (`subjectColumn: id`), so forgetting it deletes the row and destroys the key of its sealed columns.
 */
export const applicationClassification = defineClassification([
  {
    table: 'id_applications',
    class: 'private',
    purpose: 'Applications for the municipal ID card, from the public form to the decision',
    retention: APPLICATION_RECORD,
    subjectColumn: 'id',
    program: 'municipal-id',
    columns: {
      id: 'Random application id; also the vault subject id of the application',
      reference_index: { purpose: "Find an application by the applicant's reference code (keyed blind index; the code is never stored)", protection: 'blindIndex' },
      duplicate_index: { purpose: 'Find a second application of the same person (name and date of birth) inside this program only (keyed blind index)', protection: 'blindIndex' },
      status: 'Where the application stands: received, appointment booked, enrolled, approved, denied, card ready',
      housing: 'Whether residence is shown by a home address or by a shelter or agency letter',
      location_status: 'Whether the address was placed in the city automatically, needs staff review, or was placed by staff',
      match_quality: 'How the address was placed (address point found exactly, building, approximately, or by staff)',
      ward: { purpose: 'City council ward of the address, coarse public geography for statistics (no coordinates are kept)', class: 'public' },
      precinct: { purpose: 'Election precinct of the address within its ward, coarse geography for statistics', class: 'public' },
      language: 'The language wanted at the appointment (a code from the jurisdiction profile)',
      form_locale: 'The language the form was filled in, for letters and messages',
      fee_variant: 'The card variant by age band (youth, adult, senior), which sets the fee',
      fee_cents: 'The fee for that variant when the application was made, in cents',
      contact_method: 'Whether and how the person wants appointment reminders (email, text, none)',
      name_sealed: { purpose: 'The name the person uses, printed on the card', protection: 'encrypted' },
      birth_date_sealed: { purpose: 'The date of birth printed on the card, and the minimum age', protection: 'encrypted' },
      address_sealed: { purpose: 'The home address, to check residence in the city', protection: 'encrypted' },
      contact_sealed: { purpose: 'The email address or mobile number for appointment reminders', protection: 'encrypted' },
      designations_sealed: { purpose: 'The gender (including X or none) and veteran designations for the card', protection: 'encrypted' },
      document_plan_sealed: { purpose: 'The kinds of document the person will bring (kinds from the point table only: no numbers, no copies)', protection: 'encrypted' },
      fee_waiver_sealed: { purpose: 'The fee waiver category claimed, checked at the appointment (no income records)', protection: 'encrypted' },
      appointment_id: 'The enrolment appointment booked in the appointments module (its id)',
      decision_reason: 'The reason code of the decision, from which the letter is written',
      decision_note_sealed: { purpose: 'A note staff add to the decision', protection: 'encrypted' },
      created_at: 'When the application was sent',
      updated_at: 'When the application last changed',
      booked_at: 'When the enrolment appointment was booked',
      enrolled_at: 'When staff checked the documents and took the photo',
      decided_at: 'When the application was approved or denied (starts the retention period)',
      card_ready_at: 'When the card was ready to collect',
      purge_after: 'When the application is forgotten (decision + retention, or last step + the abandoned-application period)',
    },
  },
]);
