import { defineClassification } from '../../core/privacy/classification.ts';

const RETENTION = 'u-visa.request';

/**
 * Classification of the U/T-visa tables. A certification request is data on an individual, and criminal
 * investigative data about a victim: `private` (Minn. Stat. §13.02 subd. 12; the victim may see it). Every
 * row belongs to the request's vault subject, so forgetting the request deletes them all and destroys the
 * key of every sealed value.
 *
 * The A-number is the one forbidden field (DESIGN §3.1) kept, under a written legal need: Supplement B asks
 * for it. It is optional, sealed, and blind-indexed only to find an earlier request of the same person.
 * Immigration status, citizenship and country of birth are never asked.
 */
export const uVisaClassification = defineClassification([
  {
    table: 'u_visa_requests',
    class: 'private',
    purpose: 'Requests for U-visa (Form I-918 Supp. B) and T-visa (Form I-914 Supp. B) certification, and their processing under Minn. Stat. §611A.95 and the city ordinance',
    retention: RETENTION,
    subjectColumn: 'id',
    program: 'u-visa',
    columns: {
      id: 'Random request id; also the vault subject id of the request',
      reference_index: { purpose: "Find a request by the requester's reference code (keyed blind index; the code is never stored)", protection: 'blindIndex' },
      visa_type: 'U or T: which form the agency completes, for the queue and the public figures',
      channel: 'How the request arrived (public form, staff, attorney API), for the figures and the audit',
      requester_role: 'Whether the victim or a representative (attorney, family member, advocate) asked, as Minn. Stat. §611A.95 subd. 2(a) allows',
      filed_by: 'Staff account (or the partner attorney whose token filed it) that entered the request; empty for the public form',
      language: 'The language to write to the requester in (decision letter, warnings)',
      contact_method: 'How the requester is reached: e-mail, text message or phone call',
      agency: 'The agency that investigated or prosecuted the crime (a code), to route the request',
      department: 'The city department that certifies the request (routed by crime and agency)',
      expedited: 'Whether an expedite was raised at intake (the 7-day city clock and 14-day state clock): Minn. Stat. §611A.95 subd. 2(b)',
      status: 'Where the request stands (received, information requested, pending review, certified, denied, withdrawn)',
      open: 'Whether the request is still in the queue',
      clock_id: 'The deadline clock that times the certification (core/clocks)',
      due_at: "Copy of the clock's due time, for the queue's order",
      queue_key: 'Sort key of the open queue: expedited first, then soonest due, then id',
      received_at: 'When the request was received (the clocks count from it)',
      decided_at: 'When the request was decided or withdrawn',
      decision: 'Certified or denied, for the letter and the public figures',
      turnaround_days: 'Days from the request to the first decision, for the public figures',
      signed_on: "Date the official signed Supplement B (USCIS must receive the petition within 6 months)",
      closed_at: 'When the decision became final (the retention period runs from it)',
      helpfulness: "The helpfulness assessment: presumed, helpful or not helpful (a code; the reasons are sealed)",
      denial_reason: 'Why a denial was proposed (a code; the written explanation is sealed)',
      release_type: "The kind of authority a representative holds (the victim's signed release, or an attorney's notice of appearance), never the document",
      release_date: "When the victim signed the representative's release",
      a_number_index: {
        purpose: 'Find an earlier request of the same person by A-number (keyed blind index)',
        protection: 'blindIndex',
        legalNeed: 'Form I-918 Supplement B Part 1 item 4 asks the certifying agency for the A-Number (if any); the City of Minneapolis intake lists it as optional. Indexed only to find the same person\'s earlier request.',
      },
      requester_sealed: { purpose: "The requester's name, organisation and e-mail or phone, to send the decision and warnings", protection: 'encrypted' },
      victim_sealed: { purpose: "The victim's legal name, other names, date of birth and gender, as Supplement B Part 1 asks", protection: 'encrypted' },
      a_number_sealed: {
        purpose: 'The A-Number, when the victim has one and chose to give it (optional)',
        protection: 'encrypted',
        legalNeed: 'Form I-918 Supplement B Part 1 item 4 (A-Number, if any) must be answered for USCIS to accept the form; it is asked as optional and never required.',
      },
      crimes_sealed: { purpose: 'The qualifying crimes named, attempt/conspiracy/solicitation, and the explanation of a "similar activity"', protection: 'encrypted' },
      case_sealed: { purpose: 'Case identifiers (report and court file numbers), the crime date, and the facts staff record from the agency file', protection: 'encrypted' },
      helpfulness_sealed: { purpose: 'How the victim helped, is helping or will help the investigation or prosecution (the requester\'s account)', protection: 'encrypted' },
      expedite_sealed: { purpose: 'Who is in removal proceedings (the victim or a family member) and the type and date of the proof shown', protection: 'encrypted' },
      assessment_sealed: { purpose: "Staff's documented reasons: helpfulness, denial explanation, information requested, review note, good-cause delay", protection: 'encrypted' },
      supplement_sealed: { purpose: 'The answers to Supplement B as the certifying official completes and signs them', protection: 'encrypted' },
      revision: 'Counter that stops two officials from acting on the same request at once',
      created_at: 'When the row was created',
      updated_at: 'When the request last changed',
    },
  },
  {
    table: 'u_visa_family_members',
    class: 'private',
    purpose: "Family members named with a request (indirect victims, derivatives), for the alert before one turns 21",
    retention: RETENTION,
    subjectColumn: 'request_id',
    program: 'u-visa',
    columns: {
      id: 'Random row id',
      request_id: 'The request (and vault subject) the family member belongs to',
      person_sealed: { purpose: "The family member's name, relationship and date of birth", protection: 'encrypted' },
      age_out_clock_id: 'The age-out alert clock, when the person is under 21',
      created_at: 'When the family member was added',
    },
  },
  {
    table: 'u_visa_actions',
    class: 'private',
    purpose: "A request's history for staff: received, routed, information requested, delayed for good cause, certified, denial proposed and reviewed (codes only)",
    retention: RETENTION,
    subjectColumn: 'request_id',
    program: 'u-visa',
    columns: {
      id: 'Random row id',
      request_id: 'The request (and vault subject)',
      kind: 'What happened (a code)',
      at: 'When it happened',
      actor_id: 'The staff account that acted (empty for the system or the requester)',
      reason_code: 'A code qualifying it (department, reason, channel)',
    },
  },
]);
