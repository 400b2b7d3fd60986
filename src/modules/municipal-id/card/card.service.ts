/**
 * Use cases of municipal ID cards: make a card for an approved holder (number, dates, signed credential), the
 * print queue (queued → printed → issued), reprint (same number, same credential), replace (lost, stolen,
 * damaged: the old card is revoked and a new number issued), renew (a new card; the old one is revoked when
 * the new one is handed over), revoke, forget a holder, and print a card to PDF.
 *
 * The card record stands on its own: name, date of birth, designations and photo are copied (sealed under the
 * holder's own key) when the application is approved, because the application is forgotten 30 days after the
 * decision. Every decrypting read and every change is written to the audit log in its transaction.
 */
import { cardFactsProblem } from '../credential/credential.claims.ts';
import { credentialQrMatrix } from '../credential/credential.qr.ts';
import { type RevocationReason, issueCredential, revokeCard } from '../credential/credential.service.ts';
import type { SealContext } from '../../../core/crypto/envelope.ts';
import { KeyNotFoundError } from '../../../core/crypto/errors.ts';
import { randomId } from '../../../core/crypto/random.ts';
import { type Tx, inTransaction } from '../../../core/db/transaction.ts';
import { AppError } from '../../../core/http/errors.ts';
import type { AuditActorRole } from '../../../core/audit/audit-entry.ts';
import { type Locale, isLocale } from '../../../core/i18n/locales.ts';
import { localDate } from '../../../core/jurisdiction/index.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { renderDocument } from '../../../core/views/render.ts';
import { MUNICIPAL_ID_PROGRAM } from '../application/application.schemas.ts';
import { markCardReady } from '../application/application.service.ts';
import { ageOn, variantFor } from '../application/eligibility.ts';
import { type CardListRow, type IdCardRow, type Keyset, cardRepo } from './card.repo.ts';
import { formatCardNumber, isValidCardNumber, newCardNumber, normalizeCardNumber } from './card-number.ts';
import { CR80_MM, CardDocument } from './views/card-document.tsx';

/** Audit record types. */
export const CARD_RECORD = 'municipal-id.card';
export const HOLDER_RECORD = 'municipal-id.card-holder';

export const CARD_STATUSES = ['queued', 'printed', 'issued', 'revoked'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

/** Why staff replace a card: the old one is revoked with this reason and a new number is issued. */
export const REPLACEMENT_REASONS = ['lost', 'stolen', 'damaged'] as const satisfies readonly RevocationReason[];
export type ReplacementReason = (typeof REPLACEMENT_REASONS)[number];

/** Why staff revoke a card without replacing it. */
export const REVOKE_REASONS = ['holder-request', 'issued-in-error', 'cancelled'] as const satisfies readonly RevocationReason[];
export type RevokeReason = (typeof REVOKE_REASONS)[number];

/**
 * A holder is forgotten this many days after the last card's expiry unless the jurisdiction profile sets
 * `retention["municipal-id.card-holder"].maxDays`: a year to renew an expired card without starting over.
 */
export const DEFAULT_CARD_GRACE_DAYS = 365;
/** A card can be renewed from this many days before it expires. */
export const RENEWAL_WINDOW_DAYS = 90;
/** Term of the credential of a variant whose card does not expire (`validityYears: null`): re-signed this often. */
export const NO_EXPIRY_CREDENTIAL_YEARS = 10;

/** Who acts on a card: a staff member, or the system (demo data). */
export interface CardActor {
  userId: string | null;
  role: AuditActorRole;
  requestId?: string;
}

/** What is known of a holder when the first card is made (decrypted values from the enrolment). */
export interface NewHolder {
  name: string;
  birthDate: string;
  gender: 'female' | 'male' | 'x' | 'not-shown';
  veteran: boolean;
  /** The re-encoded portrait JPEG. */
  photoJpeg: Buffer;
  personIndex: string;
  documentIndex: string | null;
}

/** A holder's sealed values, opened. */
interface HolderFacts {
  name: string;
  birthDate: string;
  gender: NewHolder['gender'];
  veteran: boolean;
}

/** One card as staff see it (decrypted; the read is audited). */
export interface CardDetail {
  id: string;
  holderId: string;
  number: string;
  name: string;
  birthDate: string;
  gender: NewHolder['gender'];
  veteran: boolean;
  variant: string;
  status: CardStatus;
  issuedOn: string;
  expiresOn: string;
  printCount: number;
  createdAt: string;
  printedAt: string | null;
  handedOverAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  replacesCardId: string | null;
  /** The holder's other cards (list columns only). */
  otherCards: CardListRow[];
  /** Whether a renewal is possible today (within the window, not already renewed). */
  renewable: boolean;
}

const CARDS = 'id_cards';
const HOLDERS = 'id_card_holders';
const DAY_MS = 86_400_000;

function at(table: string, column: string, rowId: string): SealContext {
  return { table, column, rowId };
}

function audit(ctx: AppContext, tx: Tx, actor: CardActor, action: string, record: { type: string; id: string }, detail?: string) {
  return ctx.audit.record(tx, {
    actor: { id: actor.userId, role: actor.role },
    action,
    record,
    purpose: 'case-work',
    requestId: actor.requestId,
    ...(detail ? { detail } : {}),
  });
}

/** The keyed blind index of a card number (digits only, so `1234-5678-9012` and `123456789012` match). */
export function cardNumberIndex(ctx: AppContext, number: string): string {
  return ctx.vault.blindIndex('id_cards.number', number, { normalize: ['digits-only'], bits: 64 });
}

/** The keyed blind index of an identity document (its type and number; upper-case letters and digits compared). */
export function documentIndex(ctx: AppContext, documentType: string, documentNumber: string): string {
  const normalize = (s: string) => s.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '');
  return ctx.vault.blindIndex('municipal-id.document', [documentType, documentNumber], { normalize, bits: 64 });
}

/** `date` plus whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

function addDaysIso(date: string, days: number): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** Grace days after the last expiry before a holder is forgotten (jurisdiction profile, else the default). */
export function cardGraceDays(ctx: AppContext): number {
  return ctx.jurisdiction.retention[HOLDER_RECORD]?.value.maxDays ?? DEFAULT_CARD_GRACE_DAYS;
}

/**
 * The variant (age band), issue date and expiry of a card made today for a person born on `birthDate`:
 * validity from the variant (youth, adult, senior: the profile's `municipalId.variants`).
 * @throws AppError validation when the person is under the minimum age
 */
export function cardTerms(ctx: AppContext, birthDate: string, today = localDate(ctx.jurisdiction, ctx.now())): { variant: string; issuedOn: string; expiresOn: string } {
  const variant = variantFor(ctx.jurisdiction, ageOn(birthDate, today));
  if (!variant) throw new AppError('validation', { messageKey: 'municipalId.card.error.tooYoung' });
  return { variant: variant.id, issuedOn: today, expiresOn: addYears(today, variant.validityYears ?? NO_EXPIRY_CREDENTIAL_YEARS) };
}

/** Sets the holder's `forget_after` from their cards' latest expiry (the retention policy forgets them then). */
async function refreshForgetAfter(ctx: AppContext, tx: Tx, holderId: string): Promise<void> {
  const last = await cardRepo.latestExpiry(tx, holderId);
  const forgetAfter = last ? `${addDaysIso(last, cardGraceDays(ctx) + 1)}T00:00:00.000Z` : null;
  await cardRepo.updateHolder(tx, holderId, { forget_after: forgetAfter, updated_at: ctx.now().toISOString() });
}

async function openHolder(ctx: AppContext, tx: Tx, holderId: string): Promise<HolderFacts & { photo: () => Promise<Buffer> }> {
  const row = await cardRepo.findHolder(tx, holderId);
  if (!row) throw new AppError('not_found');
  try {
    const facts = await ctx.vault.useSubject(holderId, (c) => {
      const designations = c.openJson<{ gender: NewHolder['gender']; veteran: boolean }>(row.designations_sealed, at(HOLDERS, 'designations_sealed', holderId));
      return {
        name: c.open(row.name_sealed, at(HOLDERS, 'name_sealed', holderId)),
        birthDate: c.open(row.birth_date_sealed, at(HOLDERS, 'birth_date_sealed', holderId)),
        gender: designations.gender,
        veteran: designations.veteran,
      };
    });
    return { ...facts, photo: () => ctx.vault.openBytes(holderId, row.photo_sealed, at(HOLDERS, 'photo_sealed', holderId)) };
  } catch (err) {
    if (err instanceof KeyNotFoundError) throw new AppError('gone');
    throw err;
  }
}

/** Creates a card holder (a new vault subject) in `tx`; returns its id. */
export async function createHolder(ctx: AppContext, tx: Tx, holder: NewHolder, actor: CardActor): Promise<string> {
  const id = await ctx.vault.createSubject(tx, MUNICIPAL_ID_PROGRAM);
  const now = ctx.now().toISOString();
  const sealed = await ctx.vault.useSubject(id, (c) => ({
    name_sealed: c.seal(holder.name, at(HOLDERS, 'name_sealed', id)),
    birth_date_sealed: c.seal(holder.birthDate, at(HOLDERS, 'birth_date_sealed', id)),
    designations_sealed: c.sealJson({ gender: holder.gender, veteran: holder.veteran }, at(HOLDERS, 'designations_sealed', id)),
    photo_sealed: c.seal(holder.photoJpeg, at(HOLDERS, 'photo_sealed', id)),
  }));
  await cardRepo.insertHolder(tx, {
    id,
    person_index: holder.personIndex,
    document_index: holder.documentIndex,
    ...sealed,
    created_at: now,
    updated_at: now,
    forget_after: null,
  });
  await audit(ctx, tx, actor, 'record.create', { type: HOLDER_RECORD, id });
  return id;
}

/**
 * Makes a new card for a holder, in `tx`: a fresh number (unique by its blind index), the terms of its
 * variant, and the signed credential (`credential/`), sealed so reprints are identical. The card is queued for
 * printing and counted for the public figures (month and ward only).
 */
export async function createCard(
  ctx: AppContext,
  tx: Tx,
  input: { holderId: string; facts: { name: string; birthDate: string }; ward: number | null; applicationId?: string; replacesCardId?: string; expiresOn?: string },
  actor: CardActor,
): Promise<string> {
  const terms = cardTerms(ctx, input.facts.birthDate);
  const expiresOn = input.expiresOn ?? terms.expiresOn;
  let number = newCardNumber();
  for (let attempt = 0; await cardRepo.numberIndexTaken(tx, cardNumberIndex(ctx, number)); attempt++) {
    if (attempt >= 8) throw new Error('could not draw an unused card number');
    number = newCardNumber();
  }
  const facts = { number, name: input.facts.name, dateOfBirth: input.facts.birthDate, expiresOn };
  if (cardFactsProblem(facts)) throw new AppError('validation', { messageKey: 'municipalId.card.error.facts' });
  const id = randomId();
  const credential = await issueCredential(ctx, tx, { ...facts, id, subjectId: input.holderId });
  const sealed = await ctx.vault.useSubject(input.holderId, (c) => ({
    number_sealed: c.seal(number, at(CARDS, 'number_sealed', id)),
    credential_sealed: c.seal(credential.jws, at(CARDS, 'credential_sealed', id)),
  }));
  const now = ctx.now().toISOString();
  await cardRepo.insertCard(tx, {
    id,
    holder_id: input.holderId,
    number_index: cardNumberIndex(ctx, number),
    ...sealed,
    variant: terms.variant,
    status: 'queued',
    issued_on: terms.issuedOn,
    expires_on: expiresOn,
    kid: credential.kid,
    rid: credential.rid,
    application_id: input.applicationId ?? null,
    replaces_card_id: input.replacesCardId ?? null,
    revocation_reason: null,
    print_count: 0,
    created_at: now,
    updated_at: now,
    printed_at: null,
    handed_over_at: null,
    revoked_at: null,
  });
  await cardRepo.countCard(tx, terms.issuedOn.slice(0, 7), input.ward === null ? 'none' : String(input.ward));
  await refreshForgetAfter(ctx, tx, input.holderId);
  await audit(ctx, tx, actor, 'record.create', { type: CARD_RECORD, id }, input.replacesCardId ? 'card.replacement' : 'card.new');
  return id;
}

async function loadCard(tx: Tx, cardId: string): Promise<IdCardRow> {
  const row = await cardRepo.findCard(tx, cardId);
  if (!row) throw new AppError('not_found');
  return row;
}

function isRenewable(ctx: AppContext, row: Pick<IdCardRow, 'status' | 'expires_on'>, renewedAlready: boolean): boolean {
  if (row.status === 'revoked' || renewedAlready) return false;
  const today = localDate(ctx.jurisdiction, ctx.now());
  return addDaysIso(today, RENEWAL_WINDOW_DAYS) >= row.expires_on;
}

/** Opens a card for staff (decrypts; audited). */
export async function readCard(ctx: AppContext, actor: CardActor, cardId: string): Promise<CardDetail> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await loadCard(tx, cardId);
    const holder = await openHolder(ctx, tx, row.holder_id);
    const number = await ctx.vault.open(row.holder_id, row.number_sealed, at(CARDS, 'number_sealed', row.id));
    const cards = await cardRepo.cardsOfHolder(tx, row.holder_id);
    await audit(ctx, tx, actor, 'record.read', { type: CARD_RECORD, id: row.id });
    const renewedAlready = cards.some((c) => c.replaces_card_id === row.id && c.status !== 'revoked');
    return {
      id: row.id,
      holderId: row.holder_id,
      number,
      name: holder.name,
      birthDate: holder.birthDate,
      gender: holder.gender,
      veteran: holder.veteran,
      variant: row.variant,
      status: row.status as CardStatus,
      issuedOn: row.issued_on,
      expiresOn: row.expires_on,
      printCount: row.print_count,
      createdAt: row.created_at,
      printedAt: row.printed_at,
      handedOverAt: row.handed_over_at,
      revokedAt: row.revoked_at,
      revocationReason: row.revocation_reason,
      replacesCardId: row.replaces_card_id,
      otherCards: cards.filter((c) => c.id !== row.id),
      renewable: isRenewable(ctx, row, renewedAlready),
    };
  });
}

/** The holder's photo of a card (decrypted; audited as a read of the card). */
export async function cardPhoto(ctx: AppContext, actor: CardActor, cardId: string): Promise<Buffer> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await loadCard(tx, cardId);
    const holder = await openHolder(ctx, tx, row.holder_id);
    const photo = await holder.photo();
    await audit(ctx, tx, actor, 'record.read', { type: CARD_RECORD, id: row.id }, 'photo.viewed');
    return photo;
  });
}

/** The card with this number, by its blind index; `null` for an unknown or malformed number. */
export async function findCardByNumber(ctx: AppContext, number: string): Promise<string | null> {
  if (!isValidCardNumber(number)) return null;
  return (await cardRepo.cardIdByNumberIndex(ctx.db.kysely, cardNumberIndex(ctx, normalizeCardNumber(number)))) ?? null;
}

/** The language a card's labels are printed in: the city's default language. */
function cardLocale(ctx: AppContext): Locale {
  const code = ctx.jurisdiction.locale.defaultLanguage.value;
  return isLocale(code) ? code : 'en';
}

/** The printed label of a variant: `municipalId.card.variant.<id>`, else the profile's label. */
function variantLabel(ctx: AppContext, variant: string): string {
  const key = `municipalId.card.variant.${variant}`;
  if (ctx.messages.has(key)) return ctx.messages.format(cardLocale(ctx), key);
  return ctx.jurisdiction.municipalId.variants.find((v) => v.value.id === variant)?.value.label ?? variant;
}

/** The HTML print document of a card whose values are already open. */
export async function cardHtml(ctx: AppContext, card: { number: string; name: string; birthDate: string; gender: NewHolder['gender']; veteran: boolean; variant: string; issuedOn: string; expiresOn: string; photoJpeg: Buffer; jws: string }): Promise<string> {
  const locale = cardLocale(ctx);
  return renderDocument(
    CardDocument({
      t: ctx.messages.translator(locale),
      lang: locale,
      card: {
        number: formatCardNumber(card.number),
        name: card.name,
        birthDate: card.birthDate,
        issuedOn: card.issuedOn,
        expiresOn: card.expiresOn,
        variantLabel: variantLabel(ctx, card.variant),
        gender: card.gender,
        veteran: card.veteran,
        photoJpeg: card.photoJpeg,
        qr: credentialQrMatrix(card.jws),
        verifyUrl: `${ctx.config.baseUrl.replace(/\/+$/, '')}/verify`,
        cityName: ctx.jurisdiction.place.cityName.value,
      },
    }),
  );
}

/** The print-ready PDF of a card: CR80, front and back (decrypts; audited). A revoked card is not printed. */
export async function cardPdf(ctx: AppContext, actor: CardActor, cardId: string): Promise<Buffer> {
  const html = await inTransaction(ctx.db, async (tx) => {
    const row = await loadCard(tx, cardId);
    if (row.status === 'revoked') throw new AppError('conflict', { messageKey: 'municipalId.card.error.revoked' });
    const holder = await openHolder(ctx, tx, row.holder_id);
    const [number, jws] = await ctx.vault.useSubject(row.holder_id, (c) => [
      c.open(row.number_sealed, at(CARDS, 'number_sealed', row.id)),
      c.open(row.credential_sealed, at(CARDS, 'credential_sealed', row.id)),
    ]);
    const photoJpeg = await holder.photo();
    await audit(ctx, tx, actor, 'record.read', { type: CARD_RECORD, id: row.id }, 'card.printed');
    return cardHtml(ctx, { number, jws, photoJpeg, ...holder, variant: row.variant, issuedOn: row.issued_on, expiresOn: row.expires_on });
  });
  return printCard(ctx, html);
}

/** Prints a card's HTML on the app's warm Chromium (`ctx.pdf`). */
export async function printCard(ctx: AppContext, html: string): Promise<Buffer> {
  return ctx.pdf.print(html, { widthMm: CR80_MM.width, heightMm: CR80_MM.height });
}

/** Marks a queued card printed (audited); tells the application, while it is kept, that its card is ready. */
export async function markPrinted(ctx: AppContext, actor: CardActor, cardId: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await loadCard(tx, cardId);
    const now = ctx.now().toISOString();
    const ok = await cardRepo.updateCard(tx, cardId, { status: 'printed', printed_at: now, print_count: row.print_count + 1, updated_at: now }, ['queued']);
    if (!ok) throw new AppError('conflict', { messageKey: 'municipalId.card.error.status' });
    if (row.application_id && row.print_count === 0) {
      try {
        await markCardReady(ctx, tx, row.application_id, actor);
      } catch (err) {
        // The application may be gone (forgotten after its retention) or moved on: the card does not depend on it.
        if (!(err instanceof AppError && (err.code === 'not_found' || err.code === 'conflict'))) throw err;
      }
    }
    await audit(ctx, tx, actor, 'record.update', { type: CARD_RECORD, id: cardId }, 'status.printed');
  });
}

/**
 * Marks a printed card handed over to its holder (audited). A renewal's predecessor is revoked now — not
 * earlier, so the holder always has a valid card.
 */
export async function markHandedOver(ctx: AppContext, actor: CardActor, cardId: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await loadCard(tx, cardId);
    const now = ctx.now().toISOString();
    const ok = await cardRepo.updateCard(tx, cardId, { status: 'issued', handed_over_at: now, updated_at: now }, ['printed']);
    if (!ok) throw new AppError('conflict', { messageKey: 'municipalId.card.error.status' });
    await audit(ctx, tx, actor, 'record.update', { type: CARD_RECORD, id: cardId }, 'status.issued');
    if (row.replaces_card_id) {
      const previous = await cardRepo.findCard(tx, row.replaces_card_id);
      if (previous && previous.status !== 'revoked') await revokeRow(ctx, tx, actor, previous.id, 'renewed');
    }
  });
}

/** Puts a printed or issued card back in the print queue: same number, same credential (audited). */
export async function reprint(ctx: AppContext, actor: CardActor, cardId: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const now = ctx.now().toISOString();
    const ok = await cardRepo.updateCard(tx, cardId, { status: 'queued', updated_at: now }, ['printed', 'issued']);
    if (!ok) {
      await loadCard(tx, cardId);
      throw new AppError('conflict', { messageKey: 'municipalId.card.error.status' });
    }
    await audit(ctx, tx, actor, 'record.update', { type: CARD_RECORD, id: cardId }, 'status.reprint');
  });
}

async function revokeRow(ctx: AppContext, tx: Tx, actor: CardActor, cardId: string, reason: RevocationReason): Promise<void> {
  const now = ctx.now().toISOString();
  const ok = await cardRepo.updateCard(tx, cardId, { status: 'revoked', revoked_at: now, revocation_reason: reason, updated_at: now }, ['queued', 'printed', 'issued']);
  if (!ok) throw new AppError('conflict', { messageKey: 'municipalId.card.error.status' });
  await revokeCard(ctx, tx, cardId, reason);
  await audit(ctx, tx, actor, 'record.update', { type: CARD_RECORD, id: cardId }, `revoked.${reason}`);
}

/** Revokes a card (the credential's revocation list says so from now on) without replacing it. */
export async function revoke(ctx: AppContext, actor: CardActor, cardId: string, reason: RevokeReason): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await loadCard(tx, cardId);
    await revokeRow(ctx, tx, actor, cardId, reason);
    await refreshForgetAfter(ctx, tx, row.holder_id);
  });
}

/**
 * Replaces a lost, stolen or damaged card: the old card is revoked (its credential too) and a new card with a
 * new number and the same expiry is queued. Returns the new card's id.
 */
export async function replace(ctx: AppContext, actor: CardActor, cardId: string, reason: ReplacementReason): Promise<string> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await loadCard(tx, cardId);
    if (row.status === 'revoked') throw new AppError('conflict', { messageKey: 'municipalId.card.error.revoked' });
    const today = localDate(ctx.jurisdiction, ctx.now());
    if (row.expires_on < today) throw new AppError('conflict', { messageKey: 'municipalId.card.error.expiredRenew' });
    const holder = await openHolder(ctx, tx, row.holder_id);
    await revokeRow(ctx, tx, actor, cardId, reason);
    return createCard(ctx, tx, { holderId: row.holder_id, facts: holder, ward: null, replacesCardId: cardId, expiresOn: row.expires_on }, actor);
  });
}

/**
 * Renews a card that expires within {@link RENEWAL_WINDOW_DAYS} days (or has expired): a new card with a new
 * number and a new term (the variant for the holder's age today) is queued; the old card stays valid until the
 * new one is handed over. Returns the new card's id.
 */
export async function renew(ctx: AppContext, actor: CardActor, cardId: string): Promise<string> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await loadCard(tx, cardId);
    const cards = await cardRepo.cardsOfHolder(tx, row.holder_id);
    const renewedAlready = cards.some((c) => c.replaces_card_id === row.id && c.status !== 'revoked');
    if (!isRenewable(ctx, row, renewedAlready)) throw new AppError('conflict', { messageKey: 'municipalId.card.error.notRenewable' });
    const holder = await openHolder(ctx, tx, row.holder_id);
    return createCard(ctx, tx, { holderId: row.holder_id, facts: holder, ward: null, replacesCardId: cardId }, actor);
  });
}

/**
 * Forgets a card holder on request: revokes every card that is not revoked yet (so a found card cannot be
 * used), then forgets the holder's vault subject — the key is destroyed and the holder's rows deleted. The
 * revocation list keeps only the random revocation ids.
 */
export async function forgetHolder(ctx: AppContext, actor: CardActor, holderId: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const holder = await cardRepo.findHolder(tx, holderId);
    if (!holder) throw new AppError('not_found');
    for (const card of await cardRepo.cardsOfHolder(tx, holderId)) {
      if (card.status !== 'revoked') await revokeRow(ctx, tx, actor, card.id, 'holder-request');
    }
    await ctx.vault.forgetSubject(tx, holderId);
    await audit(ctx, tx, actor, 'record.delete', { type: HOLDER_RECORD, id: holderId }, 'forgotten.holder-request');
  });
}

/** One page of the print queue (queued cards, oldest first; list columns only — not an audited read). */
export async function printQueue(ctx: AppContext, options: { after?: Keyset; limit?: number } = {}): Promise<{ rows: CardListRow[]; more: boolean }> {
  return cardRepo.listByStatus(ctx.db.kysely, 'queued', { after: options.after, limit: options.limit ?? 25 });
}
