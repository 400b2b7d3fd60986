/** Inputs of the card pages. */
import { z } from 'zod';
import { REPLACEMENT_REASONS, REVOKE_REASONS } from './card.service.ts';

export const cardPageQuerySchema = z.strictObject({
  saved: z.enum(['printed', 'handed-over', 'reprint', 'replaced', 'renewed', 'revoked']).optional(),
  lang: z.string().max(10).optional(),
});

export const csrfOnlySchema = z.strictObject({ _csrf: z.string() });

export const replaceFormSchema = z.strictObject({
  _csrf: z.string(),
  reason: z.enum(REPLACEMENT_REASONS, 'municipalId.cardPage.error.reason'),
});

export const revokeFormSchema = z.strictObject({
  _csrf: z.string(),
  revokeReason: z.enum(REVOKE_REASONS, 'municipalId.cardPage.error.reason'),
});

export const forgetFormSchema = z.strictObject({
  _csrf: z.string(),
  confirm: z.literal('yes', 'municipalId.cardPage.error.confirm'),
});
