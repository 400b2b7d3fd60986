import { normalizeValue } from '../crypto/blind-index.ts';
import type { Vault } from '../crypto/vault.ts';
import type { Executor } from '../db/transaction.ts';

/**
 * The cryptography of staff accounts, in one place: the blind index that finds an account by e-mail, and
 * sealing a staff member's secret values (TOTP secret, e-mail for display) with their own data key.
 *
 * Each staff account is a vault subject of program `staff` whose subject id is the account id, so its
 * values are sealed under a key of its own and bound to table, column and row (R21).
 */
export interface AuthSecrets {
  /** Keyed blind index of the normalized address (unique column `auth_users.email_lookup`; R25). */
  emailLookupKey(email: string): string;
  /** Keyed blind index of a client IP address (the throttle counts per address without storing it). */
  ipLookupKey(ip: string): string;
  /** Creates the account's data key (call inside the transaction that inserts the account). */
  createSubject(tx: Executor, userId: string): Promise<void>;
  /** Seals a value of a staff account for one place (table, column, row). */
  seal(userId: string, place: SealPlace, value: string): Promise<string>;
  open(userId: string, place: SealPlace, sealed: string): Promise<string>;
}

export interface SealPlace {
  table: string;
  column: string;
  rowId: string;
}

/** The vault program of staff accounts. */
export const STAFF_PROGRAM = 'staff';
/** The blind index that finds an account by e-mail. */
export const EMAIL_INDEX = 'auth_users.email';
/** The blind index of client addresses in the throttle table. */
export const IP_INDEX = 'auth_throttle.ip';

/** The canonical form of an e-mail address: NFKC, trimmed, case-folded. */
export function normalizeEmail(email: string): string {
  return normalizeValue(email, 'email');
}

/** The secrets of staff accounts over the application's vault. */
export function secretsFor(deps: { vault: Vault }): AuthSecrets {
  const { vault } = deps;
  return {
    emailLookupKey(email) {
      // 128 bits: the index must be unique per address (a collision would block an account), and staff
      // e-mail addresses are not a low-cardinality field.
      return vault.blindIndex(EMAIL_INDEX, normalizeEmail(email) || '-', { normalize: 'email', bits: 128 });
    },
    ipLookupKey(ip) {
      return vault.blindIndex(IP_INDEX, ip || '-', { normalize: 'exact', bits: 128 });
    },
    async createSubject(tx, userId) {
      await vault.createSubject(tx, STAFF_PROGRAM, { id: userId });
    },
    seal(userId, place, value) {
      return vault.seal(userId, value, place);
    },
    open(userId, place, sealed) {
      return vault.open(userId, sealed, place);
    },
  };
}
