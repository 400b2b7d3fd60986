/**
 * THE seam through which every form draft is written and read (DESIGN §3.3). The forms engine never writes
 * `form_drafts.sealed` any other way, so switching drafts to envelope encryption changes this file only.
 *
 * Contract for the implementation:
 * - `sealDraft` / `openDraft` bind the ciphertext to the draft (`binding.draftId`, `binding.formId`: use them
 *   as AAD, table `form_drafts`, column `sealed`, row = draft id), so a sealed draft copied to another row or
 *   another form does not open.
 * - They run inside the caller's transaction (`exec`), so a data key created for a new draft commits or
 *   rolls back with the draft row.
 * - `forgetDrafts` is called, in the same transaction, for every draft row that is deleted (expiry purge,
 *   "delete my answers"), so per-draft keys can be destroyed with their rows.
 * - `openDraft` throws when the value does not open; the engine then treats the draft as gone.
 *
 * Implementation (issue 3, item 2): **each draft is its own short-lived vault subject** (program
 * `forms.draft`, subject id = draft id). Its content is sealed with AES-256-GCM under that subject's data key,
 * bound to (form_drafts, sealed, draft id / form id). Deleting a draft forgets the subject, which destroys the
 * key in the key vault — so a draft purged today cannot be read from any backup either, and a resident's
 * half-finished answers never share a key with anything else. When a draft is sent, the module stores the
 * answers under its own subject (`onSubmit`); the draft keeps only the sealed receipt until it is purged.
 */
import { z } from 'zod';
import { KeyNotFoundError } from '../crypto/errors.ts';
import type { Executor } from '../db/transaction.ts';
import type { AppContext } from '../modules/context.ts';
import type { DraftState } from './form-flow.ts';

/** What a sealed draft is bound to. */
export interface DraftBinding {
  draftId: string;
  formId: string;
}

/** The stored shape of a draft, checked on every open (a tampered or truncated value is refused). */
const answerValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
const storedDraft = z.strictObject({
  v: z.literal(1),
  answers: z.record(z.string(), answerValue),
  done: z.array(z.string()),
  /** Set once the draft is submitted: the receipt shown on the confirmation page. */
  reference: z.string().optional(),
});

/** A draft as stored: the engine's state, plus the reference code once it is submitted. */
export interface SealedDraftContent extends DraftState {
  reference?: string;
}

/** The vault program of draft subjects. */
export const DRAFT_PROGRAM = 'forms.draft';

function place(binding: DraftBinding): { table: string; column: string; rowId: string } {
  return { table: 'form_drafts', column: 'sealed', rowId: `${binding.draftId}/${binding.formId}` };
}

/**
 * Seals a draft's content for storage in `form_drafts.sealed`, creating the draft's vault subject on its
 * first save (in `exec`, so the `subjects` row commits or rolls back with the draft row).
 */
export async function sealDraft(ctx: AppContext, binding: DraftBinding, content: SealedDraftContent, exec: Executor): Promise<string> {
  const stored = { v: 1, answers: content.answers, done: content.done, ...(content.reference ? { reference: content.reference } : {}) };
  try {
    return await ctx.vault.sealJson(binding.draftId, stored, place(binding));
  } catch (err) {
    if (!(err instanceof KeyNotFoundError) || (await ctx.vault.subjectStatus(binding.draftId)) !== 'unknown') throw err;
  }
  // A new draft: its own subject, with the draft id as subject id.
  await ctx.vault.createSubject(exec, DRAFT_PROGRAM, { id: binding.draftId });
  return ctx.vault.sealJson(binding.draftId, stored, place(binding));
}

/**
 * Opens a value written by {@link sealDraft} for the same binding. Throws if it does not open (tampered,
 * moved to another draft or form, or the draft's key was destroyed).
 */
export async function openDraft(ctx: AppContext, binding: DraftBinding, sealed: string, _exec: Executor): Promise<SealedDraftContent> {
  const parsed = await ctx.vault.openJson(binding.draftId, sealed, place(binding), (v) => storedDraft.parse(v));
  return { answers: parsed.answers, done: parsed.done, ...(parsed.reference ? { reference: parsed.reference } : {}) };
}

/**
 * Called with the ids of drafts whose rows are being deleted, inside that transaction: forgets their vault
 * subjects, destroying each draft's data key. The engine deletes the draft rows itself (`form_drafts` is not
 * registered as a subject table, so its purge counts stay exact).
 */
export async function forgetDrafts(ctx: AppContext, draftIds: readonly string[], exec: Executor): Promise<void> {
  await ctx.vault.forgetSubjects(exec, draftIds);
}
