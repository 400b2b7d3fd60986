import { z } from 'zod';
import { isRandomId } from '../crypto/random.ts';
import {
  AGENCY_KINDS,
  CHANNELS,
  COUNSEL_DECLINE_REASONS,
  DEMAND_TYPES,
  FORM_NUMBERS,
  SERVED_ON,
  TRI_STATE,
  type DeclineReason,
} from './demands.rules.ts';

/**
 * Inputs of the demand gate, as the service takes them (routes map form fields onto these). Every message is
 * a catalog key, so a failed field renders as a translated error.
 */

const required = 'demands.error.required';
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'demands.error.tooLong')
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .default(null);
const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'demands.error.date')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'demands.error.date');
const optionalDate = z
  .union([z.literal(''), isoDate])
  .transform((v) => (v === '' ? null : v))
  .nullable()
  .default(null);

/** A record a demand names: program, kind of record, and the record's platform id (never a name). */
export const scopeRecordSchema = z.object({
  program: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'demands.error.source'),
  recordType: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'demands.error.source'),
  recordId: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => isRandomId(v), 'demands.error.recordId'),
});
export type ScopeRecordInput = z.output<typeof scopeRecordSchema>;

/** The face of the document: what the staff checklist records. */
export const checklistSchema = z.object({
  type: z.enum(DEMAND_TYPES, required),
  formNumber: z.enum(FORM_NUMBERS, required),
  issuedByCourt: z.enum(TRI_STATE, required),
  signedByJudge: z.enum(TRI_STATE, required),
  judgeName: optionalText(200),
  courtName: optionalText(300),
  caseNumber: optionalText(100),
  issuedOn: optionalDate,
  expiresOn: optionalDate,
});
export type ChecklistInput = z.output<typeof checklistSchema>;

/** Registering a demand. */
export const registerDemandSchema = checklistSchema
  .extend({
    agencyKind: z.enum(AGENCY_KINDS, required),
    agencyName: z.string().trim().min(1, required).max(200, 'demands.error.tooLong'),
    channel: z.enum(CHANNELS, required),
    /** ISO 8601 UTC. */
    receivedAt: z.iso.datetime({ offset: false, message: 'demands.error.receivedAt' }),
    receivedBy: z.string().refine((v) => isRandomId(v), required),
    servedOn: z.enum(SERVED_ON, required),
    records: z.array(scopeRecordSchema).max(50, 'demands.error.tooManyRecords').default([]),
    unmatchedPeople: z.coerce.number({ message: 'demands.error.number' }).int('demands.error.number').min(0, 'demands.error.number').max(10_000, 'demands.error.number').default(0),
    requester: optionalText(500),
    description: optionalText(4000),
  })
  .refine((v) => v.expiresOn === null || v.issuedOn === null || v.expiresOn >= v.issuedOn, { message: 'demands.error.expiresBeforeIssued', path: ['expiresOn'] });
export type RegisterDemandInput = z.input<typeof registerDemandSchema>;
export type RegisterDemand = z.output<typeof registerDemandSchema>;

/** Declining by counsel, with one of the enumerated reasons. */
export const declineSchema = z.object({
  reason: z.enum(COUNSEL_DECLINE_REASONS as [DeclineReason, ...DeclineReason[]], required),
});

/** Recording a court order that forbids telling the person (and until when, if it says). */
export const nondisclosureSchema = z.object({
  orderRef: z.string().trim().min(3, required).max(300, 'demands.error.tooLong'),
  until: optionalDate,
});

/** Recording a notice given outside the queue, or that it was not possible. */
export const recordNoticeSchema = z.object({
  method: z.enum(['phone', 'in_person', 'mail', 'other', 'not_possible'], required),
});
