import { defineClassification } from '../../core/privacy/classification.ts';

/**
 * Classification of the Office's table. A request for help is data on an individual: `private` (Minn. Stat.
 * §13.02 subd. 12). The row is its own vault subject (`subjectColumn: id`), so forgetting it deletes the row
 * and destroys the key of its sealed columns.
 */
export const officeClassification = defineClassification([
  {
    table: 'office_requests',
    class: 'private',
    purpose: 'Requests for help sent to the Office for Immigrant and Refugee Relationships through the public form',
    // The retention policy of office.retention.ts: forgotten OFFICE_RETENTION_DAYS after closing.
    retention: 'office.request',
    subjectColumn: 'id',
    program: 'office',
    columns: {
      id: 'Random request id; also the vault subject id of the request',
      reference_index: { purpose: "Find a request by the resident's reference code (keyed blind index; the code is never stored)", protection: 'blindIndex' },
      topic: 'What the person needs help with, to route the request and count requests by topic',
      language: 'The language to answer in (a code from the jurisdiction profile, or other)',
      contact_method: 'Whether and how the person wants to be contacted',
      name_sealed: { purpose: 'What to call the person (a first name or nickname is enough)', protection: 'encrypted' },
      contact_sealed: { purpose: 'The phone number or e-mail address to answer on', protection: 'encrypted' },
      description_sealed: { purpose: 'What the person wrote about their request', protection: 'encrypted' },
      language_other_sealed: { purpose: 'The language to answer in, when it is not one the city offers', protection: 'encrypted' },
      status: 'Received, in progress or closed',
      created_at: 'When the request was sent',
      updated_at: 'When the request last changed',
      closed_at: 'When staff closed the request (the retention period runs from it)',
    },
  },
]);
