/**
 * Lookup values for the bearer codes of the forms engine. Codes are never stored: only a keyed blind index
 * (`ctx.vault.blindIndex`: HMAC-SHA-256 under a per-index key derived from the index root key), so a copy of
 * the database does not reveal a code that would unlock a draft or a request's status.
 */
import { createHash } from 'node:crypto';
import { normalizeReferenceCode } from '../crypto/random.ts';
import type { AppContext } from '../modules/context.ts';

function codeIndex(ctx: AppContext, name: string, code: string): string {
  const canonical = normalizeReferenceCode(code);
  if (!canonical) throw new TypeError('not a valid code');
  // 128 bits: these indexes stand in for a secret, so no deliberate collisions.
  return ctx.vault.blindIndex(name, canonical, { normalize: 'exact', bits: 128 });
}

/** Lookup value of a draft's resume code ("save and come back later"). Throws on a malformed code. */
export function resumeCodeIndex(ctx: AppContext, formId: string, code: string): string {
  return codeIndex(ctx, `form_drafts.resume_index:${formId}`, code);
}

/**
 * Lookup value of a submission's reference code, for the module that stores the submission (one index key
 * per form, so equal codes never link across programs). Throws on a malformed code.
 */
export function referenceCodeIndex(ctx: AppContext, formId: string, reference: string): string {
  return codeIndex(ctx, `forms.reference:${formId}`, reference);
}

/**
 * Hash of a draft's browser token. The token is 256 random bits — not personal data and not guessable — so
 * a plain SHA-256 is enough to keep a database copy from being usable as a cookie.
 */
export function draftTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
