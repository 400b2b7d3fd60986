/**
 * Input of the fund's forms and queries. Amounts are typed in dollars and become integer cents here
 * (`parseDollars`, no floating point); durations are typed in hours ("1.5", "1:30") and become minutes.
 * Every message is a key of the fund's catalog, so a bad form comes back as a translated 422 with the fields.
 */
import { z } from 'zod';
import { isRandomId } from '../../core/crypto/random.ts';
import { isIsoDate } from '../../core/dates.ts';
import {
  ACTIVITIES,
  AMENDMENT_REASONS,
  CONTRACT_BASES,
  MAX_AMOUNT_CENTS,
  MAX_BURN_WINDOW_DAYS,
  MAX_ENTRY_MINUTES,
  MIN_BURN_WINDOW_DAYS,
  REJECT_REASONS,
  SOURCE_KINDS,
  parseDollars,
  parseDuration,
} from './legal-defense.fund.rules.ts';
import { wholeNumber } from '../../core/http/validate.ts';

const csrf = { _csrf: z.string().optional() };
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const id = z.string('legal-defense.fund.error.choose').refine(isRandomId, 'legal-defense.fund.error.choose');
const date = z.string('legal-defense.fund.error.date').trim().refine(isIsoDate, 'legal-defense.fund.error.date');
const text = (max: number) => z.preprocess(blank, z.string().trim().max(max, 'legal-defense.fund.error.tooLong').optional());
const dollars = (max: number) =>
  z
    .string('legal-defense.fund.error.amount')
    .max(40, 'legal-defense.fund.error.amount')
    .transform((s, ctx) => {
      const cents = parseDollars(s);
      if (cents === null || cents <= 0 || cents > max) {
        ctx.addIssue({ code: 'custom', message: 'legal-defense.fund.error.amount' });
        return z.NEVER;
      }
      return cents;
    });
const whole = (min: number, max: number) =>
  z
    .string('legal-defense.fund.error.whole')
    .trim()
    .regex(/^\d{1,9}$/, 'legal-defense.fund.error.whole')
    .transform(Number)
    .refine((v) => v >= min && v <= max, 'legal-defense.fund.error.whole');

/**
 * A funding source: an appropriation (fiscal year) or a grant (funder), with its amount and period. An
 * appropriation left without dates runs over its fiscal year (the service fills them from the profile).
 */
export const sourceSchema = z
  .strictObject({
    ...csrf,
    kind: z.enum(SOURCE_KINDS, 'legal-defense.fund.error.kind'),
    name: z.string('legal-defense.fund.error.required').trim().min(1, 'legal-defense.fund.error.required').max(150, 'legal-defense.fund.error.tooLong'),
    funder: text(150),
    fiscalYear: z.preprocess(blank, whole(2000, 2100).optional()),
    reference: text(60),
    amount: dollars(MAX_AMOUNT_CENTS),
    startsOn: z.preprocess(blank, date.optional()),
    endsOn: z.preprocess(blank, date.optional()),
    restrictions: text(1000),
  })
  .superRefine((s, ctx) => {
    if (s.kind === 'appropriation' && s.fiscalYear === undefined) ctx.addIssue({ code: 'custom', path: ['fiscalYear'], message: 'legal-defense.fund.error.fiscalYear' });
    if (s.kind === 'grant' && !s.funder) ctx.addIssue({ code: 'custom', path: ['funder'], message: 'legal-defense.fund.error.funder' });
    if (s.kind === 'grant') {
      for (const field of ['startsOn', 'endsOn'] as const) if (s[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'legal-defense.fund.error.date' });
    }
    if (s.startsOn !== undefined && s.endsOn !== undefined && s.endsOn < s.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'legal-defense.fund.error.endBeforeStart' });
  });
export type SourceInput = z.output<typeof sourceSchema>;

/** A contract with one provider, drawn on a source: per case (rate, case cap) or hourly (rate, hours cap). */
export const contractSchema = z
  .strictObject({
    ...csrf,
    providerId: id,
    basis: z.enum(CONTRACT_BASES, 'legal-defense.fund.error.basis'),
    // At most $1,000,000 per case or per hour and 100,000 cases or hours: the ceiling stays an exact integer.
    rate: dollars(100_000_000),
    cap: whole(1, 100_000),
    startsOn: date,
    endsOn: date,
    reference: text(60),
  })
  .superRefine((s, ctx) => {
    if (s.endsOn < s.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'legal-defense.fund.error.endBeforeStart' });
  });
export type ContractInput = z.output<typeof contractSchema>;

/** An amendment of a source: a new amount and/or a new last day, why, and the council action or grant amendment number. */
export const sourceAmendSchema = z
  .strictObject({
    ...csrf,
    newAmount: z.preprocess(blank, dollars(MAX_AMOUNT_CENTS).optional()),
    newEndsOn: z.preprocess(blank, date.optional()),
    amendReason: z.enum(AMENDMENT_REASONS, 'legal-defense.fund.error.amendReason'),
    amendReference: text(60),
  })
  .superRefine((s, ctx) => {
    if (s.newAmount === undefined && s.newEndsOn === undefined) ctx.addIssue({ code: 'custom', path: ['newAmount'], message: 'legal-defense.fund.error.noChange' });
  });
export type SourceAmendInput = z.output<typeof sourceAmendSchema>;

/** An amendment of a contract: a new cap (cases or hours) and/or a new last day, why, and its number. */
export const contractAmendSchema = z
  .strictObject({
    ...csrf,
    newCap: z.preprocess(blank, whole(1, 100_000).optional()),
    newEndsOn: z.preprocess(blank, date.optional()),
    amendReason: z.enum(AMENDMENT_REASONS, 'legal-defense.fund.error.amendReason'),
    amendReference: text(60),
  })
  .superRefine((s, ctx) => {
    if (s.newCap === undefined && s.newEndsOn === undefined) ctx.addIssue({ code: 'custom', path: ['newCap'], message: 'legal-defense.fund.error.noChange' });
  });
export type ContractAmendInput = z.output<typeof contractAmendSchema>;

/** One time entry: the day, how long, and what it was (a code). */
export const timeEntrySchema = z.strictObject({
  ...csrf,
  workedOn: date,
  duration: z
    .string('legal-defense.fund.error.duration')
    .max(20, 'legal-defense.fund.error.duration')
    .transform((s, ctx) => {
      const minutes = parseDuration(s);
      if (minutes === null || minutes < 1 || minutes > MAX_ENTRY_MINUTES) {
        ctx.addIssue({ code: 'custom', message: 'legal-defense.fund.error.duration' });
        return z.NEVER;
      }
      return minutes;
    }),
  activity: z.enum(ACTIVITIES, 'legal-defense.fund.error.activity'),
});
export type TimeEntryInput = z.output<typeof timeEntrySchema>;

/** An invoice to prepare: the contract and the billing period. */
export const invoiceSchema = z
  .strictObject({ ...csrf, contractId: id, from: date, to: date })
  .superRefine((s, ctx) => {
    if (s.to < s.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'legal-defense.fund.error.endBeforeStart' });
  });
export type InvoiceInput = z.output<typeof invoiceSchema>;

export const rejectSchema = z.strictObject({ ...csrf, reason: z.enum(REJECT_REASONS, 'legal-defense.fund.error.reason') });

export const paySchema = z.strictObject({
  ...csrf,
  paidOn: date,
  reference: z.preprocess(blank, z.string().trim().max(40, 'legal-defense.fund.error.tooLong').regex(/^[\w #./-]+$/, 'legal-defense.fund.error.paymentReference').optional()),
});
export type PayInput = z.output<typeof paySchema>;

export const emptySchema = z.strictObject({ ...csrf });

/** `?window=` days of the burn rate (default 90). */
export const burnQuery = z.strictObject({
  window: z.preprocess(blank, wholeNumber('form.error.invalid', MIN_BURN_WINDOW_DAYS, MAX_BURN_WINDOW_DAYS).optional()),
  done: z.string().regex(/^[a-z-]{1,40}$/).optional(),
  lang: z.string().max(10).optional(),
});

export const listQuery = z.strictObject({
  status: z.preprocess(blank, z.enum(['draft', 'submitted', 'approved', 'rejected', 'paid']).optional()),
  lang: z.string().max(10).optional(),
});

export const doneQuery = z.strictObject({ done: z.string().regex(/^[a-z-]{1,40}$/).optional(), lang: z.string().max(10).optional() });

/** The funder report: a source and a period (dates optional: the source's own period up to today). */
export const reportQuery = z.strictObject({
  source: z.preprocess(blank, id.optional()),
  fy: z.preprocess(blank, whole(2000, 2100).optional()),
  from: z.preprocess(blank, date.optional()),
  to: z.preprocess(blank, date.optional()),
  lang: z.string().max(10).optional(),
});

export const idParams = z.strictObject({ id: z.string().refine(isRandomId) });
export const lineParams = z.strictObject({ id: z.string().refine(isRandomId), line: z.string().refine(isRandomId) });
