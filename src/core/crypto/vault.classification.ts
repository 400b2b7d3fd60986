import { defineClassification } from '../privacy/classification.ts';

/** Classification of the vault's tables: the subject list in the main database and the keys in the key vault. */
export const vaultClassification = defineClassification([
  {
    table: 'subjects',
    class: 'private',
    purpose: 'One row per person in one program, so that program records can reference the person and be forgotten together',
    retention: 'Until the subject is forgotten (by request or by the retention policy of the program records)',
    columns: {
      id: 'Random subject id; also the id of the subject\'s data key in the key vault',
      program: 'The program the subject belongs to (subjects never span programs)',
      created_at: 'When the subject was created',
    },
  },
  {
    table: 'subject_keys',
    database: 'vault',
    class: 'protected_nonpublic',
    purpose: 'Wrapped per-subject data keys, kept outside the data backups so forgetting a subject reaches every backup',
    retention: 'Until the subject is forgotten; then a tombstone without key material',
    columns: {
      id: 'Subject id the key belongs to',
      program: 'Program of the subject, bound into the wrapped key',
      wrapped_key: { purpose: 'The data key, encrypted (wrapped) by the key-encryption key', protection: 'encrypted' },
      kek_id: 'Which key-encryption key wraps it (for rotation)',
      created_at: 'When the key was created',
      destroyed_at: 'When the key was destroyed (crypto-shredded)',
    },
  },
]);
