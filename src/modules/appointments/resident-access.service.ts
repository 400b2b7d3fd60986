/**
 * Short-lived passes that let a resident's browser see their own booking without an account and without the
 * reference code in any URL:
 *
 * - a **receipt** after booking or joining the waiting list (one hour): the confirmation page can be reloaded
 *   and the `.ics` downloaded;
 * - a **manage pass** after the reference code was typed at `/appointments/manage` (30 minutes): the booking
 *   page, cancel and reschedule.
 *
 * A pass is `kind.id[.reference].expiry.mac`, the MAC a 128-bit keyed HMAC (the vault's blind-index keys,
 * one key per pass kind), so nothing is stored and a pass cannot be forged or moved to another booking. The
 * routes keep it in a `__Host-` cookie (Secure, HttpOnly, SameSite=Lax).
 */
import { timingSafeEqual } from 'node:crypto';
import { isRandomId, normalizeReferenceCode } from '../../core/crypto/random.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { getBooking } from './bookings.service.ts';
import { getWaitlistEntry } from './waitlist.service.ts';

/** What a pass is for: a booking (`b`) or a waiting-list entry (`w`). */
export type PassKind = 'b' | 'w';

/** Receipt lifetime. */
export const RECEIPT_MS = 60 * 60_000;
/** Manage pass lifetime. */
export const MANAGE_MS = 30 * 60_000;

function mac(ctx: AppContext, purpose: 'receipt' | 'manage', parts: readonly string[]): string {
  return ctx.vault.blindIndex(`appointments.pass.${purpose}`, [...parts], { normalize: 'exact', bits: 128, encoding: 'base64url' });
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A receipt for the booking or entry just made, carrying its reference code. */
export function issueReceipt(ctx: AppContext, kind: PassKind, id: string, reference: string): string {
  const expires = String(ctx.now().getTime() + RECEIPT_MS);
  return [kind, id, reference, expires, mac(ctx, 'receipt', [kind, id, reference, expires])].join('.');
}

/** Reads a receipt; `null` when absent, malformed, forged or expired. */
export function readReceipt(ctx: AppContext, value: string | undefined): { kind: PassKind; id: string; reference: string } | null {
  if (!value || value.length > 200) return null;
  const [kind, id, reference, expires, tag, ...rest] = value.split('.');
  if (rest.length > 0 || (kind !== 'b' && kind !== 'w') || !id || !isRandomId(id) || !reference || normalizeReferenceCode(reference) !== reference) return null;
  if (!expires || !/^\d{1,15}$/.test(expires) || Number(expires) < ctx.now().getTime()) return null;
  if (!tag || !same(tag, mac(ctx, 'receipt', [kind, id, reference, expires]))) return null;
  return { kind, id, reference };
}

/** A manage pass for a booking or entry whose code was just checked. */
export function issueManagePass(ctx: AppContext, kind: PassKind, id: string): string {
  const expires = String(ctx.now().getTime() + MANAGE_MS);
  return [kind, id, expires, mac(ctx, 'manage', [kind, id, expires])].join('.');
}

/** Reads a manage pass; `null` when absent, malformed, forged or expired. */
export function readManagePass(ctx: AppContext, value: string | undefined): { kind: PassKind; id: string } | null {
  if (!value || value.length > 200) return null;
  const [kind, id, expires, tag, ...rest] = value.split('.');
  if (rest.length > 0 || (kind !== 'b' && kind !== 'w') || !id || !isRandomId(id)) return null;
  if (!expires || !/^\d{1,15}$/.test(expires) || Number(expires) < ctx.now().getTime()) return null;
  if (!tag || !same(tag, mac(ctx, 'manage', [kind, id, expires]))) return null;
  return { kind, id };
}

/** Which booking or waiting-list entry a reference code opens, or `null`. */
export async function findByCode(ctx: AppContext, reference: string): Promise<{ kind: PassKind; id: string } | null> {
  const booking = await getBooking(ctx, reference);
  if (booking) return { kind: 'b', id: booking.bookingId };
  const entry = await getWaitlistEntry(ctx, reference);
  return entry ? { kind: 'w', id: entry.entryId } : null;
}
