import { defineClassification } from '../privacy/classification.ts';

/**
 * Classification of the audit log's tables. Entries hold ids and codes only (who, what record, when, why —
 * never a personal value: `audit-entry.ts` enforces it), so nothing here is sealed; they are security
 * information about staff actions, not public.
 */
export const auditClassification = defineClassification([
  {
    table: 'audit_log',
    class: 'private',
    purpose: 'Append-only, hash-chained record of every sensitive read, export, admin and authentication event',
    retention: 'For the life of the system: the hash chain cannot lose entries',
    columns: {
      seq: 'Position in the chain',
      id: 'Random entry id',
      at: 'When the action happened (UTC)',
      actor_id: 'Staff user id of the actor (null for residents, the system, operators)',
      actor_role: 'Role the actor acted in',
      action: 'What was done (a code such as record.read)',
      outcome: 'success, denied or failure',
      record_type: 'Type of the record acted on (a code)',
      record_id: 'Random id of the record acted on',
      purpose: 'Why (a code from a fixed vocabulary)',
      legal_process_id: 'The approved demand a disclosure was made under',
      request_id: 'HTTP request id, to tie the entry to the request log',
      detail: 'One qualifying code (e.g. the role granted)',
      prev_hash: 'Hash of the previous entry (the chain)',
      hash: 'Hash of this entry',
    },
  },
  {
    table: 'audit_head',
    class: 'nonpublic',
    purpose: 'The current head of the chain, the row appends lock',
    retention: 'For the life of the system',
    columns: { id: 'Always 1', seq: 'Last sequence number', hash: 'Last entry hash', at: 'Time of the last entry' },
  },
  {
    table: 'audit_checkpoints',
    class: 'public',
    purpose: 'Ed25519-signed checkpoints of the chain head, published for outside witnesses',
    retention: 'For the life of the system',
    columns: {
      id: 'Random checkpoint id',
      seq: 'Chain position signed',
      hash: 'Chain head hash signed',
      at: 'When it was signed',
      key_id: 'Which signing key',
      tree_root: 'RFC 6962 Merkle tree root over the entries up to seq (null on the oldest checkpoints)',
      signature: 'The Ed25519 signature',
    },
  },
  {
    table: 'audit_access_alerts',
    class: 'nonpublic',
    purpose: 'Alerts to administrators when a staff account reads far more records than it usually does (R35)',
    retention: 'Kept with the audit log: for the life of the system',
    columns: {
      id: 'Random alert id',
      actor_id: 'Staff user id of the account that read so much',
      window_start: 'Start of the counted window (UTC)',
      window_end: 'End of the counted window (UTC)',
      reads: 'Reads, searches and exports in the window',
      usual: 'The account\'s usual count per window before it',
      created_at: 'When the alert was raised',
      acknowledged_by: 'Administrator who acknowledged it',
      acknowledged_at: 'When it was acknowledged',
    },
  },
]);
