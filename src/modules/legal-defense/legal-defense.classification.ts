import { defineClassification } from '../../core/privacy/classification.ts';

const CASE_RETENTION = 'legal-defense.case';
const PROGRAM = 'legal-defense';

/**
 * Classification of the detention-defense tables. A detention report and the case it opens are data on an
 * individual held to give them legal representation: `private` (Minn. Stat. §13.02 subd. 12); the provider
 * relationship is also attorney–client work product once accepted. Every case row is its own vault subject;
 * reports, assignments and history are rows of it.
 *
 * The A-number is the one forbidden field (DESIGN §3.1) kept, under a written legal need: EOIR identifies a
 * respondent's case only by it (the immigration court's case status line and every filing ask for it), so an
 * attorney cannot find the court case of a detained person without it. It is optional, sealed, and
 * blind-indexed only to merge reports about the same person. Immigration status, citizenship and country of
 * birth are never asked; there is no merits screening.
 */
export const legalDefenseClassification = defineClassification([
  {
    table: 'legal_defense_cases',
    class: 'private',
    purpose: 'A detained resident reported to the detention defense program, from the report to an accepting attorney',
    retention: CASE_RETENTION,
    subjectColumn: 'id',
    program: PROGRAM,
    columns: {
      id: 'Random case id; also the vault subject id of the case',
      status: 'Where the case stands (reported, eligible, offered, accepted, contacted, not eligible, closed)',
      open: 'Whether the case is still worked',
      channel: 'How the first report arrived (public form, phone, partner API), for the figures and the audit',
      person_language: 'The language the detained person speaks best, to match a provider who speaks it',
      contact_language: 'The language to write to the safe contact in',
      detained_on: 'The day the person was taken (a best guess), for days in detention and the figures',
      residency_basis: 'How city residency was established (address checked in the city, attestation, staff), never the address',
      disposition: 'Eligible or not eligible, as recorded',
      disposition_reason: 'Why a person is not served (a code), to give the right referrals',
      disposition_at: 'When eligibility was recorded',
      provider_id: 'The provider organisation the case is offered to or accepted by',
      assignment_id: 'The current offer to a provider',
      attorney_user_id: 'The attorney account that accepted the case',
      contact_clock_id: 'The report-to-first-attorney-contact clock (core/clocks)',
      first_contact_at: 'When the attorney first reached the person (meets the clock)',
      first_contact_seconds: 'Seconds from the first report to the first attorney contact, for the outcome figures',
      report_count: 'How many reports were merged into the case',
      a_number_index: {
        purpose: 'Merge reports about the same person by A-number (keyed blind index)',
        protection: 'blindIndex',
        legalNeed: 'EOIR identifies a removal case only by the respondent\'s A-number (automated case information line, EOIR-28 and every filing); the assigned attorney needs it to find the court case. Indexed only to merge reports about the same person.',
      },
      identity_index: { purpose: 'Merge reports about the same person by name and date of birth (keyed blind index)', protection: 'blindIndex' },
      person_sealed: { purpose: 'The detained person\'s name, other names and date of birth, for the attorney to find and represent them', protection: 'encrypted' },
      a_number_sealed: {
        purpose: 'The A-number, when the reporter knows it (optional); a restricted field, every read audited',
        protection: 'encrypted',
        legalNeed: 'EOIR identifies a removal case only by the respondent\'s A-number; the attorney needs it to enter an appearance and find hearings. Asked as optional, never required.',
      },
      detention_sealed: { purpose: 'Where and when the person was taken and where they may be held (facility); a restricted field, every read audited', protection: 'encrypted' },
      contact_sealed: { purpose: 'The safe contact (name, relationship, phone or e-mail) the attorney and staff call back', protection: 'encrypted' },
      revision: 'Counter that stops two people from changing the case at once',
      created_at: 'When the first report arrived (the first-contact clock counts from it)',
      updated_at: 'When the case last changed',
      closed_at: 'When the case was closed (retention runs from it)',
      custody: 'Custody now: detained, released on bond, on parole, alternatives to detention, released otherwise, removed (a code), for the outcome figures',
      relief_sought: 'Forms of relief the attorney pursues (codes: asylum, withholding, CAT, cancellation, adjustment, voluntary departure, other)',
      outcome: 'How the case ended in court (relief granted, terminated, removal ordered, voluntary departure) or pending (a code)',
      closing_reason: 'Why the case was closed (a code: relief granted, proceedings terminated, removal ordered, released, moved out of the area, the client withdrew, other), for the outcome figures',
      closed_on: 'The day the representation ended, as the attorney or program staff recorded it',
    },
  },
  {
    table: 'legal_defense_reports',
    class: 'private',
    purpose: 'Each report about a detained person, as received (several reports about one person merge into one case)',
    retention: CASE_RETENTION,
    subjectColumn: 'case_id',
    program: PROGRAM,
    columns: {
      id: 'Random report id',
      case_id: 'The case (and vault subject) the report belongs to',
      channel: 'How the report arrived (public form, phone, partner API)',
      reporter_role: 'Who reported (family, friend, the person, an attorney, a community group)',
      filed_by: 'Staff account or partner token owner that entered it; empty for the public form',
      reference_index: { purpose: "Find the report by the reporter's reference code (keyed blind index; the code is never stored)", protection: 'blindIndex' },
      language: 'The language the report was made in',
      merged: 'Whether the report joined a case opened by an earlier report',
      received_at: 'When the report arrived',
      report_sealed: { purpose: 'Everything the reporter said (names, dates, places, contact), kept as received for the attorney', protection: 'encrypted' },
    },
  },
  {
    table: 'legal_defense_assignments',
    class: 'private',
    purpose: 'Offers of a case to provider organisations, their answers within the service level, and why each provider was chosen',
    retention: CASE_RETENTION,
    subjectColumn: 'case_id',
    program: PROGRAM,
    columns: {
      id: 'Random offer id',
      case_id: 'The case (and vault subject)',
      provider_id: 'The provider the case was offered to',
      status: 'Offered, accepted, declined, expired (no answer within the service level) or withdrawn',
      offered_at: 'When the case was offered (the accept clock counts from it)',
      responded_at: 'When the provider answered or the offer expired',
      clock_id: 'The accept-or-decline clock (core/clocks)',
      reason_code: 'Why a provider declined (a code)',
      explanation: '"Why this provider": language match, load, rotation and the providers left out with their reasons (codes and counts only)',
      actor_id: 'The staff or attorney account that answered; empty for the system',
    },
  },
  {
    table: 'legal_defense_events',
    class: 'private',
    purpose: "A case's history for staff: reported, merged, eligibility, offered, accepted, declined, expired, contacted (codes only)",
    retention: CASE_RETENTION,
    subjectColumn: 'case_id',
    program: PROGRAM,
    columns: {
      id: 'Random row id',
      case_id: 'The case (and vault subject)',
      kind: 'What happened (a code)',
      at: 'When it happened',
      actor_id: 'The account that acted (empty for the system or the reporter)',
      reason_code: 'A code qualifying it (channel, reason, provider)',
    },
  },
  {
    table: 'legal_defense_proceedings',
    class: 'private',
    purpose: 'The case through immigration court: Notice to Appear, hearings (the hearing calendar), decisions, and the last arrival date for the asylum one-year deadline',
    retention: CASE_RETENTION,
    subjectColumn: 'case_id',
    program: PROGRAM,
    columns: {
      id: 'Random row id',
      case_id: 'The case (and vault subject)',
      kind: 'Which court event (a code); decides which deadline clocks start',
      on_date: 'The day of the event, or of a scheduled hearing (deadlines count from it)',
      actor_id: 'The attorney or staff account that recorded it',
      created_at: 'When it was recorded',
    },
  },
  {
    table: 'legal_defense_idempotency',
    class: 'private',
    purpose: 'Idempotency keys of the partner API: a retried report returns the first result instead of filing twice',
    retention: 'legal-defense.idempotency',
    columns: {
      id: 'Random row id',
      principal_id: 'The partner account whose token sent the report',
      key_index: { purpose: "The client's Idempotency-Key (keyed blind index; the key is never stored)", protection: 'blindIndex' },
      body_index: { purpose: 'Keyed digest of the first body sent with the key (blind index), to refuse the same key with another report', protection: 'blindIndex' },
      report_id: 'The report the first request filed',
      case_id: 'The case it filed into',
      created_at: 'When the key was first used (kept 2 days)',
    },
  },
  {
    table: 'legal_defense_providers',
    class: 'public',
    purpose: 'Legal-services organisations that represent detained residents under the program, with capacity and languages',
    retention: 'Kept while the organisation is a provider',
    columns: {
      id: 'Random provider id',
      name: 'The organisation\'s name',
      active: 'Whether it still takes part in the program',
      available: 'Whether it takes new cases now (a provider pauses during a surge it cannot absorb)',
      capacity: 'How many open cases it can carry at once',
      open_cases: 'How many open cases it carries now',
      languages: 'Languages its attorneys and interpreters work in (codes)',
      last_assigned_at: 'When it was last offered a case (the rotation)',
      created_at: 'When it was added',
      updated_at: 'When it last changed',
    },
  },
  {
    table: 'legal_defense_attorneys',
    class: 'private',
    purpose: 'Which staff accounts are attorneys of which provider (scopes them to the provider\'s assigned cases)',
    retention: 'Kept while the account works for the provider',
    columns: {
      id: 'Random row id',
      provider_id: 'The provider organisation',
      user_id: 'The attorney\'s staff account',
      active: 'Whether the attorney still works the provider\'s cases',
      created_at: 'When the link was made',
    },
  },
  {
    table: 'legal_defense_parties',
    class: 'private',
    purpose: "Each provider's existing parties for the conflict check, as keyed blind indexes only (no name is stored)",
    retention: 'Kept while the organisation is a provider',
    columns: {
      id: 'Random row id',
      provider_id: 'The provider organisation',
      party_index: {
        purpose: "A party's A-number or name and date of birth, as a keyed blind index (conflict check)",
        protection: 'blindIndex',
        legalNeed: 'Rules of professional conduct (Minn. R. Prof. Conduct 1.7, 1.9) forbid a lawyer to take a client whose interests conflict with a current or former client; EOIR identifies respondents by A-number, so the conflict check compares it. Only a keyed index is kept, never the number.',
      },
      created_at: 'When it was added',
    },
  },
]);
