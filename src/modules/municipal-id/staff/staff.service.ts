/**
 * The municipal ID staff desk: today's enrolment appointments (from the appointments module), the
 * applications waiting for a decision, the print queue, search by reference code or card number (blind
 * indexes), the program's reports, and the public figures (cards per month and per ward, small cells
 * suppressed). Lists show categories and dates only; every list, search and report view is audited.
 */
import { isRandomId } from '../../../core/crypto/random.ts';
import { localDate } from '../../../core/jurisdiction/index.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { type PublishedCell, type SuppressedSeries, suppressSeries } from '../../../core/privacy/suppression.ts';
import { type BookingSummary, MUNICIPAL_ID_ENROLMENT, type WeeklyReport, appointmentsApi } from '../../appointments/api.ts';
import type { ApplicationActor } from '../application/application.service.ts';
import { findByReference } from '../application/application.service.ts';
import { cityMapOrUndefined } from '../residency/residency.service.ts';
import { type CardListRow, type Keyset, cardRepo } from '../card/card.repo.ts';
import { findCardByNumber } from '../card/card.service.ts';
import { type ApprovalRow, staffRepo } from './staff.repo.ts';

/** Rows per page of the staff lists. */
export const PAGE_SIZE = 25;
/** Queue sizes are counted up to this (a page says "1,000 or more" rather than counting a million rows). */
export const COUNT_CAP = 1000;
/** Months shown in the reports and the public figures. */
export const FIGURE_MONTHS = 12;

/** One enrolment appointment of today, and the application it is for (when the booking names one). */
export interface DeskAppointment {
  booking: BookingSummary;
  applicationId: string | null;
}

/** Today's enrolment appointments per site. */
export interface DeskDay {
  date: string;
  sites: Array<{ id: string; name: string; appointments: DeskAppointment[] }>;
}

/** A page of a keyset-paginated list. */
export interface ListPage<T> {
  rows: T[];
  /** Where the next page starts, or null on the last page. */
  next: Keyset | null;
  /** Rows in the list, counted up to {@link COUNT_CAP}. */
  total: number;
}

function record(ctx: AppContext, actor: ApplicationActor, action: string, detail: string, purpose: 'case-work' | 'statistics' = 'case-work', target?: { type: string; id: string }): Promise<unknown> {
  return ctx.audit.recordNow({
    actor: { id: actor.userId, role: actor.role },
    action,
    purpose,
    detail,
    requestId: actor.requestId,
    ...(target ? { record: target } : {}),
  });
}

/** `municipal-id.application:<id>` → the id (how the application part names the booking's purpose). */
function applicationOf(purposeRef: string | null): string | null {
  const m = /^municipal-id\.application:([0-9A-Z]{26})$/.exec(purposeRef ?? '');
  return m?.[1] && isRandomId(m[1]) ? m[1] : null;
}

/** Today's enrolment appointments at every site that offers them (no personal values: reference hints and times). */
export async function todaysDesk(ctx: AppContext, actor: ApplicationActor): Promise<DeskDay> {
  const date = localDate(ctx.jurisdiction, ctx.now());
  const api = appointmentsApi(ctx);
  const { sites } = await api.listAvailability({ service: MUNICIPAL_ID_ENROLMENT, from: date, to: date, includeFull: true, includeClosed: true });
  const out: DeskDay['sites'] = [];
  for (const s of sites) {
    const bookings = (await api.todaysAppointments(s.site.id, date)).filter((b) => b.service === MUNICIPAL_ID_ENROLMENT);
    out.push({ id: s.site.id, name: s.site.name, appointments: bookings.map((booking) => ({ booking, applicationId: applicationOf(booking.purposeRef) })) });
  }
  await record(ctx, actor, 'queue.view', 'queue.appointments');
  return { date, sites: out };
}

function nextOf<T extends { created_at: string; id: string }>(rows: T[], more: boolean): Keyset | null {
  const last = rows[rows.length - 1];
  return more && last ? { createdAt: last.created_at, id: last.id } : null;
}

/** Enrolled applications waiting for a decision, oldest first (audited list view). */
export async function approvalsPage(ctx: AppContext, actor: ApplicationActor, after?: Keyset): Promise<ListPage<ApprovalRow>> {
  const [{ rows, more }, total] = await Promise.all([
    staffRepo.applicationsByStatus(ctx.db.kysely, 'enrolled', { after, limit: PAGE_SIZE }),
    staffRepo.countApplications(ctx.db.kysely, 'enrolled', COUNT_CAP),
  ]);
  await record(ctx, actor, 'queue.view', 'queue.approvals');
  return { rows, next: nextOf(rows, more), total };
}

/** Cards waiting to be printed (`queued`) or handed over (`printed`), oldest first (audited list view). */
export async function printQueuePage(ctx: AppContext, actor: ApplicationActor, status: 'queued' | 'printed', after?: Keyset): Promise<ListPage<CardListRow>> {
  const [{ rows, more }, total] = await Promise.all([
    cardRepo.listByStatus(ctx.db.kysely, status, { after, limit: PAGE_SIZE }),
    cardRepo.countByStatus(ctx.db.kysely, status, COUNT_CAP),
  ]);
  await record(ctx, actor, 'queue.view', status === 'queued' ? 'queue.print' : 'queue.printed');
  return { rows, next: nextOf(rows, more), total };
}

/** Counts for the desk's home page. */
export async function deskCounts(ctx: AppContext): Promise<{ approvals: number; printQueue: number; printed: number }> {
  const [approvals, printQueue, printed] = await Promise.all([
    staffRepo.countApplications(ctx.db.kysely, 'enrolled', COUNT_CAP),
    cardRepo.countByStatus(ctx.db.kysely, 'queued', COUNT_CAP),
    cardRepo.countByStatus(ctx.db.kysely, 'printed', COUNT_CAP),
  ]);
  return { approvals, printQueue, printed };
}

/** What a search found. */
export type SearchResult = { kind: 'application'; id: string } | { kind: 'card'; id: string } | null;

/**
 * Finds an application by its reference code or a card by its number — exact matches through blind
 * indexes; there is no search by name. Audited whether or not it finds something.
 */
export async function search(ctx: AppContext, actor: ApplicationActor, query: string): Promise<SearchResult> {
  const text = query.trim();
  let found: SearchResult = null;
  const card = await findCardByNumber(ctx, text);
  if (card) found = { kind: 'card', id: card };
  else {
    const app = await findByReference(ctx, text);
    if (app) found = { kind: 'application', id: app.id };
  }
  await record(ctx, actor, 'record.search', found ? `search.${found.kind}` : 'search.none', 'case-work', found ? { type: found.kind === 'card' ? 'municipal-id.card' : 'municipal-id.application', id: found.id } : undefined);
  return found;
}

/** The months `YYYY-MM` of the last {@link FIGURE_MONTHS} months up to the current one (city time). */
export function recentMonths(ctx: AppContext): string[] {
  const [y, m] = localDate(ctx.jurisdiction, ctx.now()).split('-').map(Number) as [number, number];
  return Array.from({ length: FIGURE_MONTHS }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - (FIGURE_MONTHS - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

/** The wards of the city map (for complete tables: a ward with no card shows 0), then `none`. */
function wardList(ctx: AppContext, seen: Iterable<string>): string[] {
  const wards = new Set<string>();
  for (const p of cityMapOrUndefined(ctx)?.precincts ?? []) if (p.ward !== null) wards.add(String(p.ward));
  for (const w of seen) if (w !== 'none') wards.add(w);
  return [...[...wards].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)), 'none'];
}

/** Cards made per month and per ward over the recent months: exact counts. */
async function cardCounts(ctx: AppContext): Promise<{ months: string[]; byMonth: number[]; wards: string[]; byWard: number[] }> {
  const months = recentMonths(ctx);
  const rows = await cardRepo.counts(ctx.db.kysely, months[0] as string);
  const byMonth = months.map((m) => rows.filter((r) => r.month === m).reduce((n, r) => n + r.count, 0));
  const wards = wardList(ctx, rows.map((r) => r.ward));
  const byWard = wards.map((w) => rows.filter((r) => r.ward === w && months.includes(r.month)).reduce((n, r) => n + r.count, 0));
  return { months, byMonth, wards, byWard };
}

/** The public figures: cards per month and per ward, each series suppressed (1–10 and what would reveal one). */
export interface PublicFigures {
  months: string[];
  byMonth: SuppressedSeries;
  wards: string[];
  byWard: SuppressedSeries;
  smallCellMax: number;
}

/** The figures published at `/municipal-id/figures`. */
export async function publicFigures(ctx: AppContext): Promise<PublicFigures> {
  const max = ctx.jurisdiction.publication.smallCellMax.value;
  const counts = await cardCounts(ctx);
  return {
    months: counts.months,
    byMonth: suppressSeries(counts.byMonth, { max }),
    wards: counts.wards,
    byWard: suppressSeries(counts.byWard, { max }),
    smallCellMax: max,
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The staff report: exact counts (aggregates, for staff only), waiting times, and the appointments' figures. */
export interface StaffReport {
  months: string[];
  byMonth: number[];
  wards: string[];
  byWard: number[];
  /** Median days from application to decision, and from enrolment to decision, over what retention keeps. */
  medianDaysToDecision: number | null;
  medianDaysEnrolmentToDecision: number | null;
  decisions: number;
  /** Appointments, no-shows and walk-ins per week (suppressed by the appointments module). */
  appointments: WeeklyReport;
}

/** The program's report for staff (audited: purpose statistics). */
export async function staffReport(ctx: AppContext, actor: ApplicationActor): Promise<StaffReport> {
  const counts = await cardCounts(ctx);
  const since = new Date(ctx.now().getTime() - 90 * 86_400_000).toISOString();
  const times = await staffRepo.decisionTimes(ctx.db.kysely, since);
  const days = (a: string, b: string) => (new Date(b).getTime() - new Date(a).getTime()) / 86_400_000;
  const toDecision = median(times.map((t) => days(t.created_at, t.decided_at)));
  const enrolledToDecision = median(times.filter((t) => t.enrolled_at).map((t) => days(t.enrolled_at as string, t.decided_at)));
  const appointments = await appointmentsApi(ctx).weeklyReport({ weeks: 8 });
  await record(ctx, actor, 'report.view', 'report.municipal-id', 'statistics');
  return {
    ...counts,
    medianDaysToDecision: toDecision === null ? null : Math.round(toDecision * 10) / 10,
    medianDaysEnrolmentToDecision: enrolledToDecision === null ? null : Math.round(enrolledToDecision * 10) / 10,
    decisions: times.length,
    appointments,
  };
}

/** A published cell's value or null when hidden. */
export function cellValue(cell: PublishedCell): number | null {
  return cell.suppressed ? null : cell.value;
}
