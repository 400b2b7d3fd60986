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
 * Today's body stores the draft as JSON (no keys exist yet); the privacy-core work replaces the three bodies
 * with `core/crypto` envelope encryption (issue 3, item 2).
 */
import { z } from 'zod';
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

/** Seals a draft's content for storage in `form_drafts.sealed`. */
export async function sealDraft(_ctx: AppContext, _binding: DraftBinding, content: SealedDraftContent, _exec: Executor): Promise<string> {
  return JSON.stringify({ v: 1, answers: content.answers, done: content.done, ...(content.reference ? { reference: content.reference } : {}) });
}

/** Opens a value written by {@link sealDraft} for the same binding. Throws if it does not open. */
export async function openDraft(_ctx: AppContext, _binding: DraftBinding, sealed: string, _exec: Executor): Promise<SealedDraftContent> {
  const parsed = storedDraft.parse(JSON.parse(sealed));
  return { answers: parsed.answers, done: parsed.done, ...(parsed.reference ? { reference: parsed.reference } : {}) };
}

/**
 * Called with the ids of drafts whose rows are being deleted, inside that transaction. JSON drafts have no
 * keys, so there is nothing to destroy yet; an envelope implementation destroys the drafts' data keys here.
 */
export async function forgetDrafts(_ctx: AppContext, _draftIds: readonly string[], _exec: Executor): Promise<void> {
  return;
}
