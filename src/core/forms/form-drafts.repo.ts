/**
 * Data access for `form_drafts`. Sealed values pass through as opaque text: this file never decrypts.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/transaction.ts';

export interface FormDraftTable {
  id: string;
  form_id: string;
  form_version: number;
  /** SHA-256 of the browser token in the `__Host-form-<id>` cookie. */
  token_hash: string;
  /** Keyed blind index of the current resume code; NULL until the person saves for later. */
  resume_index: string | null;
  /** Answers (or, once sent, the receipt), written only by `draft-crypto.ts`. */
  sealed: string;
  submitted_at: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    form_drafts: FormDraftTable;
  }
}

export type FormDraftRow = Selectable<FormDraftTable>;

export const formDraftsRepo = {
  async insert(db: Executor, row: Insertable<FormDraftTable>): Promise<void> {
    await db.insertInto('form_drafts').values(row).execute();
  },

  /** The draft bound to a browser token, whatever its state (the caller checks expiry). */
  async findByToken(db: Executor, formId: string, tokenHash: string): Promise<FormDraftRow | undefined> {
    return db
      .selectFrom('form_drafts')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('form_id', '=', formId)
      .executeTakeFirst();
  },

  /** An unsent, unexpired draft by resume code index. */
  async findResumable(db: Executor, formId: string, resumeIndex: string, now: string): Promise<FormDraftRow | undefined> {
    return db
      .selectFrom('form_drafts')
      .selectAll()
      .where('resume_index', '=', resumeIndex)
      .where('form_id', '=', formId)
      .where('submitted_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  },

  /** Replaces an unsent draft's content. Returns false when the draft was sent or deleted meanwhile. */
  async updateContent(
    db: Executor,
    id: string,
    values: { sealed: string; form_version: number; expires_at: string; updated_at: string },
  ): Promise<boolean> {
    const r = await db.updateTable('form_drafts').set(values).where('id', '=', id).where('submitted_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async setResumeIndex(db: Executor, id: string, resumeIndex: string | null, updatedAt: string): Promise<boolean> {
    const r = await db
      .updateTable('form_drafts')
      .set({ resume_index: resumeIndex, updated_at: updatedAt })
      .where('id', '=', id)
      .where('submitted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** Binds a resumed draft to a new browser and retires its resume code (codes are single-use). */
  async rebind(db: Executor, id: string, tokenHash: string, updatedAt: string): Promise<boolean> {
    const r = await db
      .updateTable('form_drafts')
      .set({ token_hash: tokenHash, resume_index: null, updated_at: updatedAt })
      .where('id', '=', id)
      .where('submitted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /**
   * Marks a draft sent, replacing its answers with the receipt. Conditional on it not being sent yet, so of
   * two concurrent submissions exactly one gets `true`.
   */
  async markSubmitted(db: Executor, id: string, values: { sealed: string; submitted_at: string; expires_at: string }): Promise<boolean> {
    const r = await db
      .updateTable('form_drafts')
      .set({ ...values, resume_index: null, updated_at: values.submitted_at })
      .where('id', '=', id)
      .where('submitted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async delete(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('form_drafts').where('id', '=', id).execute();
  },

  /** Ids of drafts and receipts past their expiry, oldest first. */
  async expiredIds(db: Executor, now: string, limit: number): Promise<string[]> {
    const rows = await db.selectFrom('form_drafts').select('id').where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute();
    return rows.map((r) => r.id);
  },

  async deleteByIds(db: Executor, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await db.deleteFrom('form_drafts').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
