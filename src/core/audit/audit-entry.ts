/**
 * The audit entry: what may be written to the audit log, how it is validated, and how it is hashed.
 *
 * An entry says *who* did *what* to *which record*, *when* and *why* — never a personal value (DESIGN §3.7,
 * R31, ASVS 4.0.3 7.1.1–7.1.2). That is enforced by the shape of the input, not by good intentions: every
 * field is either an id (the platform's 26-character random id), a code from a fixed vocabulary, or a code
 * of lower-case letters and dashes that cannot hold a name, a number, an address or an e-mail address. There
 * is no free-text field.
 */
import { hash } from 'node:crypto';
import { ROLES, type Role } from '../auth/permissions.ts';
import { isRandomId } from '../crypto/random.ts';

/** Why a record was touched. A fixed vocabulary, so counsel can filter by it and nobody can type prose into it. */
export const AUDIT_PURPOSES = [
  /** Staff working a case, application or request assigned to them. */
  'case-work',
  /** A record created or updated from a resident's own submission (public form, intake call). */
  'intake',
  /** A resident looking up their own request (reference code and second factor). */
  'resident-request',
  /** A supervisor or quality reviewer looking at work done by others. */
  'supervision',
  /** Counsel or the data-practices officer reviewing a record, a demand or the audit log. */
  'counsel-review',
  /** A scoped disclosure under an approved judicial warrant or court order; needs `legalProcessId`. */
  'legal-process',
  /** A referral between programs with the person's consent. */
  'referral',
  /** Sending a notice or reminder to the person. */
  'notification',
  /** Computing aggregate, suppressed statistics. */
  'statistics',
  /** Sign-in, sign-out, factors, sessions. */
  'security',
  /** Accounts, roles, keys, configuration. */
  'administration',
  /** Scheduled deletion under a retention policy, and legal holds. */
  'retention',
  /** Backups and restores. */
  'backup',
  /** Reading the audit log itself. */
  'audit',
] as const;
export type AuditPurpose = (typeof AUDIT_PURPOSES)[number];

/** Who acted: a staff role, or one of the non-staff actors. */
export const AUDIT_ACTOR_ROLES = [...ROLES, 'resident', 'anonymous', 'system', 'operator'] as const;
export type AuditActorRole = Role | 'resident' | 'anonymous' | 'system' | 'operator';

/** How the action ended. Denied and failed attempts are audited too (e.g. a refused record read). */
export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

const SEGMENT = /^[a-z][a-z0-9-]*$/;
const WORD = /^[a-z-]+$/;

/**
 * True for a dotted code of `min`–`max` segments, each a lower-case letter followed by letters, digits and
 * dashes (`record.read`, `legal-defense.case`), at most 64 characters. Checked segment by segment rather than
 * with one nested regular expression, which could backtrack badly on hostile input.
 */
export function isDottedCode(value: unknown, min: number, max: number): value is string {
  if (typeof value !== 'string' || value.length > 64) return false;
  const parts = value.split('.');
  return parts.length >= min && parts.length <= max && parts.every((p) => SEGMENT.test(p));
}

/** Actions: `area.verb` codes such as `record.read`, `record.export`, `auth.login`, `admin.role-change`. */
export const isActionCode = (v: unknown): v is string => isDottedCode(v, 2, 4);
/** Record types: `module.thing` codes such as `legal-defense.case` or `core.user`. */
export const isRecordTypeCode = (v: unknown): v is string => isDottedCode(v, 1, 4);
/**
 * Details: one `kind.value` code of lower-case letters and dashes (`role.counsel`, `factor.passkey`,
 * `reason.bad-credentials`). No digits, so no date, phone number, A-number or count fits.
 */
export function isDetailCode(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > 64) return false;
  const parts = v.split('.');
  return parts.length === 2 && parts.every((p) => WORD.test(p) && !p.startsWith('-') && !p.endsWith('-') && !p.includes('--'));
}
const MAX_CODE = 64;

/** What a caller passes to `AuditService.record`. */
export interface AuditEntryInput {
  /** Who acted: a staff user id, or `null` with a non-staff role (`resident`, `anonymous`, `system`, `operator`). */
  actor: { id: string | null; role: AuditActorRole };
  action: string;
  /** Default `success`. */
  outcome?: AuditOutcome;
  /** The record acted on, by type and id — never by name or any other value. */
  record?: { type: string; id: string };
  purpose: AuditPurpose;
  /** Required with purpose `legal-process`: the id of the approved demand (warrant or court order). */
  legalProcessId?: string;
  /** The HTTP request id (`req.id`), to tie the entry to the request log. */
  requestId?: string;
  /** One code qualifying the action (e.g. the role granted by `admin.role-change`). */
  detail?: string;
}

/** An entry as stored: the input, normalised, plus its place in the chain. */
export interface AuditEntry {
  seq: number;
  id: string;
  /** ISO 8601 UTC with milliseconds; never earlier than the previous entry's. */
  at: string;
  actorId: string | null;
  actorRole: string;
  action: string;
  outcome: string;
  recordType: string | null;
  recordId: string | null;
  purpose: string;
  legalProcessId: string | null;
  requestId: string | null;
  detail: string | null;
  prevHash: string;
  hash: string;
}

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Thrown for an entry that breaks the rules above: a programming error in the caller, never shown to users. */
export class AuditEntryError extends TypeError {
  constructor(readonly field: string, message: string) {
    super(`audit entry: ${field} ${message}`);
    this.name = 'AuditEntryError';
  }
}

function code(value: unknown, field: string, valid: (v: unknown) => v is string): string {
  if (typeof value !== 'string' || value.length > MAX_CODE || !valid(value)) throw new AuditEntryError(field, 'must be a code (see audit-entry.ts)');
  return value;
}

function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isRandomId(value)) throw new AuditEntryError(field, 'must be a 26-character platform id');
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new AuditEntryError(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** The validated, flattened fields of an entry (everything but seq, id, time and the hashes). */
export type AuditFields = Pick<
  AuditEntry,
  'actorId' | 'actorRole' | 'action' | 'outcome' | 'recordType' | 'recordId' | 'purpose' | 'legalProcessId' | 'requestId' | 'detail'
>;

/**
 * Validates an entry and flattens it. Rejects anything that is not an id or a code, so personal values
 * cannot be written even by mistake.
 * @throws AuditEntryError
 */
export function validateAuditEntry(input: AuditEntryInput): AuditFields {
  if (typeof input !== 'object' || input === null) throw new AuditEntryError('entry', 'must be an object');
  const known = new Set(['actor', 'action', 'outcome', 'record', 'purpose', 'legalProcessId', 'requestId', 'detail']);
  for (const key of Object.keys(input)) if (!known.has(key)) throw new AuditEntryError(key, 'is not an audit field');
  const actor = input.actor;
  if (typeof actor !== 'object' || actor === null) throw new AuditEntryError('actor', 'must be { id, role }');
  const actorRole = oneOf(actor.role, 'actor.role', AUDIT_ACTOR_ROLES);
  const staffRole = (ROLES as readonly string[]).includes(actorRole);
  const actorId = actor.id === null ? null : id(actor.id, 'actor.id');
  if (staffRole && actorId === null) throw new AuditEntryError('actor.id', 'is required for a staff role');
  const purpose = oneOf(input.purpose, 'purpose', AUDIT_PURPOSES);
  let legalProcessId: string | null = null;
  if (input.legalProcessId !== undefined) legalProcessId = id(input.legalProcessId, 'legalProcessId');
  if (purpose === 'legal-process' && legalProcessId === null) {
    throw new AuditEntryError('legalProcessId', 'is required when the purpose is legal-process');
  }
  let recordType: string | null = null;
  let recordId: string | null = null;
  if (input.record !== undefined) {
    if (typeof input.record !== 'object' || input.record === null) throw new AuditEntryError('record', 'must be { type, id }');
    recordType = code(input.record.type, 'record.type', isRecordTypeCode);
    recordId = id(input.record.id, 'record.id');
  }
  return {
    actorId,
    actorRole,
    action: code(input.action, 'action', isActionCode),
    outcome: input.outcome === undefined ? 'success' : oneOf(input.outcome, 'outcome', AUDIT_OUTCOMES),
    recordType,
    recordId,
    purpose,
    legalProcessId,
    requestId: input.requestId === undefined ? null : id(input.requestId, 'requestId'),
    detail: input.detail === undefined ? null : code(input.detail, 'detail', isDetailCode),
  };
}

/**
 * The canonical encoding an entry's hash is computed over (format 1): a JSON array of every field in a fixed
 * order, ending with the previous entry's hash. JSON arrays are unambiguous (strings are quoted and escaped),
 * so two different entries never encode the same way, whatever a tampered row contains.
 */
export function canonicalAuditEntry(e: Omit<AuditEntry, 'hash'>): string {
  return JSON.stringify([
    1,
    e.seq,
    e.id,
    e.at,
    e.actorId,
    e.actorRole,
    e.action,
    e.outcome,
    e.recordType,
    e.recordId,
    e.purpose,
    e.legalProcessId,
    e.requestId,
    e.detail,
    e.prevHash,
  ]);
}

/** SHA-256 (hex) of the canonical encoding: the entry's link in the chain. */
export function hashAuditEntry(e: Omit<AuditEntry, 'hash'>): string {
  // One-shot `crypto.hash` (Node ≥ 20.12) is about twice as fast as createHash for short inputs.
  return hash('sha256', canonicalAuditEntry(e), 'hex');
}
