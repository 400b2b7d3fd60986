/**
 * The walk-in queue of a site: staff give a person a ticket number (and note the language they need), call
 * the next ticket — optionally the next one needing a language the free staff member speaks — and mark it
 * served or a no-show. The public "now serving" display shows ticket numbers only. Nothing about the person
 * is stored.
 */
import { randomId } from '../../core/crypto/random.ts';
import { inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import type { AppContext } from '../../core/modules/context.ts';
import type { WalkInStatus } from './appointments.schemas.ts';
import { loadSite } from './site-rules.ts';
import { type WalkInRow, walkinsRepo } from './walkins.repo.ts';
import { localDateOf } from './zoned-time.ts';

/** A ticket as staff and the display see it. */
export interface WalkInTicket {
  id: string;
  ticket: number;
  language: string;
  status: WalkInStatus;
  createdAt: string;
  calledAt: string | null;
  finishedAt: string | null;
}

function toTicket(row: WalkInRow): WalkInTicket {
  return {
    id: row.id,
    ticket: row.ticket,
    language: row.language,
    status: row.status as WalkInStatus,
    createdAt: row.created_at,
    calledAt: row.called_at,
    finishedAt: row.finished_at,
  };
}

function today(ctx: AppContext): string {
  return localDateOf(ctx.jurisdiction.locale.timezone.value, ctx.now());
}

async function requireSite(ctx: AppContext, siteId: string): Promise<{ languages: string[] }> {
  const site = await loadSite(ctx, siteId);
  if (!site) throw new AppError('not_found');
  return site;
}

/**
 * Gives the next ticket number of the day at the site. Numbers start at 1 each day; two desks adding at once
 * never get the same number (the unique constraint refuses the second, which takes the next one).
 */
export async function addWalkIn(ctx: AppContext, siteId: string, language: string): Promise<WalkInTicket> {
  const site = await requireSite(ctx, siteId);
  if (!site.languages.includes(language)) throw new AppError('validation', { fields: [{ field: 'language', key: 'appointments.error.language' }] });
  const day = today(ctx);
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return await inTransaction(ctx.db, async (tx) => {
        const ticket = (await walkinsRepo.lastTicket(tx, siteId, day)) + 1;
        const row: WalkInRow = {
          id: randomId(),
          site_id: siteId,
          local_date: day,
          ticket,
          language,
          status: 'waiting',
          created_at: ctx.now().toISOString(),
          called_at: null,
          finished_at: null,
        };
        await walkinsRepo.insert(tx, row);
        return toTicket(row);
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // 23505: PostgreSQL unique violation; SQLITE_CONSTRAINT_UNIQUE: SQLite's.
      if (code !== '23505' && code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
    }
  }
  throw new AppError('unavailable');
}

/** Calls the longest-waiting ticket (of `language`, when given); `null` when nobody is waiting. */
export async function callNext(ctx: AppContext, siteId: string, language?: string): Promise<WalkInTicket | null> {
  await requireSite(ctx, siteId);
  const day = today(ctx);
  for (let attempt = 0; attempt < 20; attempt++) {
    const next = await walkinsRepo.nextWaiting(ctx.db.kysely, siteId, day, language);
    if (!next) return null;
    const now = ctx.now().toISOString();
    // Two desks calling at once: the conditional update lets one win; the other takes the next ticket.
    if (await walkinsRepo.update(ctx.db.kysely, next.id, { status: 'called', called_at: now }, ['waiting'])) {
      return toTicket({ ...next, status: 'called', called_at: now });
    }
  }
  return null;
}

/** Marks a ticket served or a no-show, or puts it back in the queue (called by mistake). */
export async function setWalkInStatus(ctx: AppContext, id: string, status: 'served' | 'no-show' | 'waiting'): Promise<WalkInTicket> {
  const row = await walkinsRepo.findById(ctx.db.kysely, id);
  if (!row) throw new AppError('not_found');
  const now = ctx.now().toISOString();
  const from = status === 'waiting' ? ['called'] : ['called', 'waiting'];
  const values = status === 'waiting' ? { status, called_at: null, finished_at: null } : { status, finished_at: now, called_at: row.called_at ?? now };
  if (!(await walkinsRepo.update(ctx.db.kysely, id, values, from))) throw new AppError('conflict', { messageKey: 'appointments.error.notChangeable' });
  return toTicket({ ...row, ...values });
}

/** The site's tickets of today, in number order. */
export async function walkInQueue(ctx: AppContext, siteId: string): Promise<WalkInTicket[]> {
  await requireSite(ctx, siteId);
  return (await walkinsRepo.listDay(ctx.db.kysely, siteId, today(ctx))).map(toTicket);
}

/** The public display: the tickets called most recently (newest first) and how many are waiting. Numbers only. */
export async function nowServing(ctx: AppContext, siteId: string): Promise<{ called: number[]; waiting: number }> {
  const queue = await walkInQueue(ctx, siteId);
  const called = queue
    .filter((t) => t.status === 'called')
    .sort((a, b) => (b.calledAt ?? '').localeCompare(a.calledAt ?? ''))
    .slice(0, 5)
    .map((t) => t.ticket);
  return { called, waiting: queue.filter((t) => t.status === 'waiting').length };
}
