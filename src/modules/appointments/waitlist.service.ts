/**
 * The waiting list. A person who finds no free time joins the list for a site, a service and a range of days,
 * with a contact (required: a freed seat can only be offered to someone we can reach). When a seat frees up —
 * a cancellation, a move, a no-show, more capacity, longer hours — the first person waiting whose range holds
 * a free slot is offered it by email or SMS with a claim link valid for two hours; the seat is held for them
 * meanwhile. If they let it pass or decline, it goes to the next person, and they go to the back of the list
 * (never offered the same slot again).
 *
 * Each entry is its own vault subject; when its seat is claimed, the subject passes to the new booking.
 */
import { createHash } from 'node:crypto';
import { randomToken, referenceCode } from '../../core/crypto/random.ts';
import { type Tx, inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import { type Locale, isLocale } from '../../core/i18n/locales.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { bookingWindow, checkSlot, listAvailability, requireService } from './availability.service.ts';
import { formatDay, formatTime, formatterFor } from './appointments.format.ts';
import type { Contact } from './appointments.schemas.ts';
import { APPOINTMENTS_PROGRAM, type BookingResult, enqueueWaitlistMatch, insertBooking } from './bookings.service.ts';
import { bookingsRepo } from './bookings.repo.ts';
import { type SitePlace, loadSite, offerAt, placeOf } from './site-rules.ts';
import { type WaitlistRow, waitlistRepo } from './waitlist.repo.ts';
import { addDays, localDateOf, zonedToUtc } from './zoned-time.ts';

/** Audit record type of a waiting-list entry. */
export const WAITLIST_RECORD = 'appointments.waitlist';
/** How long a person has to claim an offered seat. */
export const OFFER_HOLD_MINUTES = 120;
/** No offer for a slot that starts sooner than this (plus the service's notice): nobody could make it. */
export const MIN_CLAIM_MINUTES = 30;

const TABLE = 'appointment_waitlist';
const MATCH_BATCH = 50;

function at(column: string, rowId: string) {
  return { table: TABLE, column, rowId };
}

/** Keyed blind index of a waiting-list code (never stored itself). */
export function waitlistReferenceIndex(ctx: AppContext, reference: string): string {
  return ctx.vault.blindIndex('appointment_waitlist.reference', reference, { normalize: 'exact', bits: 128 });
}

/** Hash of a claim-link token (256 random bits; a plain SHA-256 keeps a database copy from being usable). */
export function offerTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A waiting-list entry as its owner sees it (no contact value). */
export interface WaitlistSummary {
  entryId: string;
  service: string;
  site: SitePlace;
  fromDate: string;
  toDate: string;
  language: string;
  locale: Locale;
  status: 'waiting' | 'offered';
  offer?: { start: string; expiresAt: string };
}

function summaryOf(row: WaitlistRow, site: SitePlace): WaitlistSummary {
  return {
    entryId: row.id,
    service: row.service_id,
    site,
    fromDate: row.from_date,
    toDate: row.to_date,
    language: row.language,
    locale: (isLocale(row.locale) ? row.locale : 'en'),
    status: row.status === 'offered' ? 'offered' : 'waiting',
    ...(row.status === 'offered' && row.offer_starts_at && row.offer_expires_at ? { offer: { start: row.offer_starts_at, expiresAt: row.offer_expires_at } } : {}),
  };
}

/**
 * Puts a person on the waiting list. The range is clamped to the service's booking window; the language must
 * be one the site offers. Returns the entry id and the code to leave the list.
 */
export async function joinWaitlist(
  ctx: AppContext,
  input: { service: string; siteId: string; fromDate: string; toDate: string; locale: Locale; language: string; contact: Contact; requestId?: string },
): Promise<{ entryId: string; reference: string }> {
  const service = requireService(input.service);
  const site = await loadSite(ctx, input.siteId);
  if (!site || !offerAt(site, service.id)) throw new AppError('not_found');
  const window = bookingWindow(ctx, service);
  const fields: Array<{ field: string; key: string }> = [];
  if (input.fromDate < window.today || input.fromDate > window.lastDay) fields.push({ field: 'fromDate', key: 'appointments.error.fromDate' });
  if (input.toDate < input.fromDate || input.toDate > window.lastDay) fields.push({ field: 'toDate', key: 'appointments.error.toDate' });
  if (!site.languages.includes(input.language)) fields.push({ field: 'language', key: 'appointments.error.language' });
  if (fields.length > 0) throw new AppError('validation', { fields });
  const tz = ctx.jurisdiction.locale.timezone.value;
  const now = ctx.now().toISOString();
  return inTransaction(ctx.db, async (tx) => {
    const id = await ctx.vault.createSubject(tx, APPOINTMENTS_PROGRAM);
    const reference = referenceCode();
    await waitlistRepo.insert(tx, {
      id,
      reference_index: waitlistReferenceIndex(ctx, reference),
      site_id: site.id,
      service_id: service.id,
      from_date: input.fromDate,
      to_date: input.toDate,
      expires_at: (zonedToUtc(tz, addDays(input.toDate, 1), 0) ?? new Date(`${addDays(input.toDate, 1)}T12:00:00Z`)).toISOString(),
      locale: input.locale,
      language: input.language,
      contact_channel: input.contact.channel,
      contact_sealed: await ctx.vault.seal(id, JSON.stringify(input.contact), at('contact_sealed', id)),
      status: 'waiting',
      queued_at: now,
      offer_starts_at: null,
      offer_token_hash: null,
      offer_expires_at: null,
      last_offer_starts_at: null,
      created_at: now,
      updated_at: now,
    });
    await ctx.audit.record(tx, { actor: { id: null, role: 'resident' }, action: 'record.create', record: { type: WAITLIST_RECORD, id }, purpose: 'intake', requestId: input.requestId });
    // A seat may already be free in the range (someone cancelled a minute ago): look now.
    await enqueueWaitlistMatch(ctx, tx, site.id, service.id);
    return { entryId: id, reference };
  });
}

/** The entry with this code, or `null`. */
export async function getWaitlistEntry(ctx: AppContext, reference: string): Promise<WaitlistSummary | null> {
  const row = await waitlistRepo.findByReferenceIndex(ctx.db.kysely, waitlistReferenceIndex(ctx, reference));
  if (!row) return null;
  const site = await loadSite(ctx, row.site_id);
  return site ? summaryOf(row, placeOf(site)) : null;
}

/** The entry with this id, or `null` (for the manage pages, after the code was checked). */
export async function getWaitlistEntryById(ctx: AppContext, id: string): Promise<WaitlistSummary | null> {
  const row = await waitlistRepo.findById(ctx.db.kysely, id);
  if (!row) return null;
  const site = await loadSite(ctx, row.site_id);
  return site ? summaryOf(row, placeOf(site)) : null;
}

/**
 * Takes a person off the list: a held seat goes back (and on to the next person), then the entry is forgotten
 * (its data key destroyed, its row deleted).
 */
export async function leaveWaitlist(ctx: AppContext, entryId: string, requestId?: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await waitlistRepo.findById(tx, entryId);
    if (!row) return;
    if (row.status === 'offered' && row.offer_starts_at) {
      await bookingsRepo.releaseSeat(tx, { siteId: row.site_id, serviceId: row.service_id, startsAt: row.offer_starts_at });
      await enqueueWaitlistMatch(ctx, tx, row.site_id, row.service_id);
    }
    await ctx.vault.forgetSubject(tx, row.id);
    await ctx.audit.record(tx, { actor: { id: null, role: 'resident' }, action: 'record.delete', record: { type: WAITLIST_RECORD, id: row.id }, purpose: 'resident-request', requestId });
  });
}

async function openContact(ctx: AppContext, row: WaitlistRow): Promise<Contact | null> {
  try {
    const c = JSON.parse(await ctx.vault.open(row.id, row.contact_sealed, at('contact_sealed', row.id))) as Contact;
    return c.channel === 'email' || c.channel === 'sms' ? c : null;
  } catch {
    return null;
  }
}

/**
 * Offers free seats of a site and service to the people waiting, first come first served: each gets the
 * earliest free slot in their range that starts late enough to be claimed and that they were not offered
 * before. The seat is held (counted as taken) until the offer is claimed, declined or runs out. Returns how
 * many offers were made. Safe to run concurrently: seats and entries are taken with conditional updates.
 */
export async function matchWaitlist(ctx: AppContext, siteId: string, serviceId: string): Promise<number> {
  const service = requireService(serviceId);
  const now = ctx.now();
  const tz = ctx.jurisdiction.locale.timezone.value;
  const today = localDateOf(tz, now);
  const entries = await waitlistRepo.waiting(ctx.db.kysely, siteId, serviceId, today, MATCH_BATCH);
  if (entries.length === 0) return 0;
  const from = entries.reduce((m, e) => (e.from_date < m ? e.from_date : m), entries[0]?.from_date ?? today);
  const to = entries.reduce((m, e) => (e.to_date > m ? e.to_date : m), today);
  const { sites } = await listAvailability(ctx, { service: serviceId, siteId, from, to });
  const site = sites[0]?.site;
  if (!site) return 0;
  const latestOffer = now.getTime() + (service.minNoticeMinutes + MIN_CLAIM_MINUTES) * 60_000;
  // Free seats per slot start, consumed as offers are made in this run.
  const free = new Map<string, { end: string; free: number; date: string }>();
  for (const day of sites[0]?.days ?? []) {
    for (const s of day.slots) if (new Date(s.start).getTime() >= latestOffer) free.set(s.start, { end: s.end, free: s.free, date: day.date });
  }
  let offered = 0;
  for (const entry of entries) {
    const slot = [...free.entries()]
      .filter(([start, s]) => s.free > 0 && s.date >= entry.from_date && s.date <= entry.to_date && start !== entry.last_offer_starts_at)
      .sort(([a], [b]) => a.localeCompare(b))[0];
    if (!slot) continue;
    const [start, info] = slot;
    info.free -= 1;
    const made = await inTransaction(ctx.db, async (tx) => {
      const key = { siteId, serviceId, startsAt: start };
      await bookingsRepo.ensureCounter(tx, key, offerAt(site, serviceId)?.capacity ?? 0);
      if (!(await bookingsRepo.takeSeat(tx, key))) return false;
      const token = randomToken(32);
      const expires = new Date(Math.min(now.getTime() + OFFER_HOLD_MINUTES * 60_000, new Date(start).getTime() - service.minNoticeMinutes * 60_000));
      const changed = await waitlistRepo.update(
        tx,
        entry.id,
        { status: 'offered', offer_starts_at: start, offer_token_hash: offerTokenHash(token), offer_expires_at: expires.toISOString(), updated_at: now.toISOString() },
        'waiting',
      );
      if (!changed) {
        // Someone else acted on this entry first: give the seat back (this transaction rolls back).
        throw new EntryTaken();
      }
      const contact = await openContact(ctx, entry);
      await ctx.audit.record(tx, { actor: { id: null, role: 'system' }, action: 'record.read', record: { type: WAITLIST_RECORD, id: entry.id }, purpose: 'notification', detail: 'message.offer' });
      if (contact) {
        const locale = (isLocale(entry.locale) ? entry.locale : 'en');
        const t = formatterFor(ctx.messages, locale);
        await ctx.notifier.enqueue(
          {
            channel: contact.channel,
            to: contact.value,
            template: 'appointments.notify.offer',
            values: {
              service: t(service.titleKey),
              site: site.name,
              address: site.address,
              day: formatDay(t, localDateOf(tz, new Date(start)), { year: true }),
              time: formatTime(locale, tz, start),
              until: formatTime(locale, tz, expires),
              claimUrl: `${ctx.config.baseUrl}/appointments/claim/${token}`,
            },
            locale,
            subjectRef: entry.id,
            about: { type: WAITLIST_RECORD, id: entry.id },
          },
          tx,
        );
      }
      return true;
    }).catch((err: unknown) => {
      if (err instanceof EntryTaken) return false;
      throw err;
    });
    if (made) offered++;
  }
  return offered;
}

class EntryTaken extends Error {
  constructor() {
    super('waiting-list entry changed concurrently');
    this.name = 'EntryTaken';
  }
}

/** Puts an offered entry back in the queue and gives its held seat back, in `tx`. */
async function releaseOffer(ctx: AppContext, tx: Tx, row: WaitlistRow, now: Date): Promise<boolean> {
  if (!row.offer_starts_at) return false;
  const changed = await waitlistRepo.update(
    tx,
    row.id,
    {
      status: 'waiting',
      queued_at: now.toISOString(),
      last_offer_starts_at: row.offer_starts_at,
      offer_starts_at: null,
      offer_token_hash: null,
      offer_expires_at: null,
      updated_at: now.toISOString(),
    },
    'offered',
  );
  if (!changed) return false;
  await bookingsRepo.releaseSeat(tx, { siteId: row.site_id, serviceId: row.service_id, startsAt: row.offer_starts_at });
  await enqueueWaitlistMatch(ctx, tx, row.site_id, row.service_id);
  return true;
}

/** Ends offers that were not claimed in time (the seat goes to the next person). Returns how many. */
export async function expireOffers(ctx: AppContext): Promise<number> {
  const now = ctx.now();
  const rows = await waitlistRepo.expiredOffers(ctx.db.kysely, now.toISOString(), 200);
  let n = 0;
  for (const row of rows) {
    if (await inTransaction(ctx.db, (tx) => releaseOffer(ctx, tx, row, now))) n++;
  }
  return n;
}

/** What the claim page shows. */
export interface OfferView {
  service: string;
  site: SitePlace;
  start: string;
  end: string;
  expiresAt: string;
  locale: Locale;
}

async function liveOffer(ctx: AppContext, db: Tx | AppContext['db']['kysely'], token: string): Promise<WaitlistRow | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await waitlistRepo.findByOfferToken(db, offerTokenHash(token));
  if (!row || row.status !== 'offered' || !row.offer_expires_at || !row.offer_starts_at) return null;
  return row.offer_expires_at > ctx.now().toISOString() ? row : null;
}

/** The offer behind a claim link, or `null` when the link is unknown, used or out of time. */
export async function offerByToken(ctx: AppContext, token: string): Promise<OfferView | null> {
  const row = await liveOffer(ctx, ctx.db.kysely, token);
  if (!row?.offer_starts_at || !row.offer_expires_at) return null;
  const service = requireService(row.service_id);
  const site = await loadSite(ctx, row.site_id);
  if (!site) return null;
  return {
    service: service.id,
    site: placeOf(site),
    start: row.offer_starts_at,
    end: new Date(new Date(row.offer_starts_at).getTime() + service.slotMinutes * 60_000).toISOString(),
    expiresAt: row.offer_expires_at,
    locale: (isLocale(row.locale) ? row.locale : 'en'),
  };
}

/**
 * Claims an offered seat: the held seat becomes a booking (with a new reference code and the entry's contact,
 * language and message locale) and the entry leaves the list. Throws `gone` when the offer is no longer open.
 */
export async function claimOffer(ctx: AppContext, token: string, requestId?: string): Promise<BookingResult> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await liveOffer(ctx, tx, token);
    if (!row?.offer_starts_at) throw new AppError('gone', { messageKey: 'appointments.error.offerGone' });
    const checked = await checkSlot(ctx, tx, { serviceId: row.service_id, siteId: row.site_id, start: new Date(row.offer_starts_at), ignoreWindow: true });
    const contact = await openContact(ctx, row);
    const deleted = await tx.deleteFrom('appointment_waitlist').where('id', '=', row.id).where('status', '=', 'offered').executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw new AppError('gone', { messageKey: 'appointments.error.offerGone' });
    await ctx.audit.record(tx, { actor: { id: null, role: 'resident' }, action: 'record.update', record: { type: WAITLIST_RECORD, id: row.id }, purpose: 'resident-request', requestId, detail: 'status.claimed' });
    return insertBooking(ctx, tx, {
      checked,
      locale: (isLocale(row.locale) ? row.locale : 'en'),
      language: checked.site.languages.includes(row.language) ? row.language : (checked.site.languages[0] ?? row.language),
      contact: contact ?? undefined,
      subjectId: row.id,
      ownsSubject: true,
      actor: { userId: null, role: 'resident', requestId },
    });
  });
}

/** Declines an offer: the seat goes to the next person; the decliner stays on the list. */
export async function declineOffer(ctx: AppContext, token: string): Promise<void> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const row = await liveOffer(ctx, tx, token);
    if (!row) throw new AppError('gone', { messageKey: 'appointments.error.offerGone' });
    await releaseOffer(ctx, tx, row, now);
  });
}

/** Site/service pairs with people waiting (for the periodic sweep). */
export async function waitingPairs(ctx: AppContext): Promise<Array<{ siteId: string; serviceId: string }>> {
  const today = localDateOf(ctx.jurisdiction.locale.timezone.value, ctx.now());
  return (await waitlistRepo.pairsWaiting(ctx.db.kysely, today)).map((p) => ({ siteId: p.site_id, serviceId: p.service_id }));
}
