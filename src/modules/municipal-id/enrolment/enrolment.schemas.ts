/**
 * Inputs of the enrolment desk's forms. Message keys for every refusal; strict objects (an unexpected field is
 * a 422, never ignored).
 */
import { z } from 'zod';

const slug = z.string().regex(/^[a-z][a-z0-9-]{0,59}$/, 'municipalId.enrol.error.documentType');
const lang = z.string().max(10).optional();

/** Query of the enrolment page. */
export const enrolmentPageQuerySchema = z.strictObject({
  saved: z.enum(['check', 'photo', 'decision']).optional(),
  lang,
});

/** The document check. Checkboxes arrive as a string (one) or a list (several). */
export const enrolmentFormSchema = z.strictObject({
  _csrf: z.string(),
  identityConfirmed: z.literal('yes').optional(),
  documents: z.preprocess((v) => (v === undefined ? [] : typeof v === 'string' ? [v] : v), z.array(slug).max(30)),
  documentNumberType: z.preprocess((v) => (v === '' ? undefined : v), slug.optional()),
  documentNumber: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().max(40, 'municipalId.enrol.error.number').optional()),
  feeWaiver: z.enum(['verified', 'not-verified'], 'municipalId.enrol.error.feeWaiver').optional(),
});
export type EnrolmentForm = z.output<typeof enrolmentFormSchema>;

/** The decision. */
export const decisionFormSchema = z.strictObject({
  _csrf: z.string(),
  decision: z.enum(['approved', 'denied'], 'municipalId.decision.error.reason'),
  reason: z.string().max(64).optional(),
  approveNote: z.string().max(500, 'municipalId.decision.error.note').optional(),
  denyNote: z.string().max(500, 'municipalId.decision.error.note').optional(),
  duplicatesChecked: z.literal('yes').optional(),
});
