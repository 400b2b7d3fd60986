/**
 * Weekly figures: appointments, people served, no-shows, cancellations, walk-ins, how far ahead people book
 * and how long walk-ins wait. Every count goes through small-cell suppression (1–10 hidden, and what would
 * let a hidden one be derived), so the page can be copied into a public report as it is; a median is shown
 * only when it rests on more than the suppression threshold. Figures cover what retention still keeps.
 */
import { localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { type PublishedCell, suppressSeries } from '../../core/privacy/suppression.ts';
import { bookingsRepo } from './bookings.repo.ts';
import { walkinsRepo } from './walkins.repo.ts';
import { addDays, localDateOf, weekdayOf, zonedToUtc } from './zoned-time.ts';

/** The measures of the weekly table. */
export const REPORT_MEASURES = ['appointments', 'served', 'noShows', 'cancelled', 'walkIns'] as const;
export type ReportMeasure = (typeof REPORT_MEASURES)[number];

/** One week (Monday to Sunday, the city's dates). */
export interface WeekFigures {
  weekStart: string;
  counts: Record<ReportMeasure, PublishedCell>;
  /** Median days from booking to appointment, or hidden. */
  medianLeadDays: PublishedCell;
  /** Median minutes a walk-in waited to be called, or hidden. */
  medianWalkInWaitMinutes: PublishedCell;
}

/** The suppressed weekly table. */
export interface WeeklyReport {
  weeks: WeekFigures[];
  totals: Record<ReportMeasure, PublishedCell>;
  smallCellMax: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The Monday on or before a date. */
export function mondayOf(isoDate: string): string {
  return addDays(isoDate, -((weekdayOf(isoDate) + 6) % 7));
}

/** The last `weeks` weeks up to and including this one, for one site or all. */
export async function weeklyReport(ctx: AppContext, options: { siteId?: string; weeks?: number } = {}): Promise<WeeklyReport> {
  const weeks = Math.min(Math.max(options.weeks ?? 12, 1), 52);
  const tz = ctx.jurisdiction.locale.timezone.value;
  const max = ctx.jurisdiction.publication.smallCellMax.value;
  const firstWeek = addDays(mondayOf(localDate(ctx.jurisdiction, ctx.now())), -7 * (weeks - 1));
  const starts = Array.from({ length: weeks }, (_, i) => addDays(firstWeek, 7 * i));
  const fromIso = (zonedToUtc(tz, firstWeek, 0) ?? new Date(`${firstWeek}T00:00:00Z`)).toISOString();
  const end = addDays(firstWeek, 7 * weeks);
  const toIso = (zonedToUtc(tz, end, 0) ?? new Date(`${end}T00:00:00Z`)).toISOString();
  const [bookings, walkIns] = await Promise.all([
    bookingsRepo.forReport(ctx.db.kysely, fromIso, toIso, options.siteId),
    walkinsRepo.forReport(ctx.db.kysely, fromIso, toIso, options.siteId),
  ]);
  const raw = starts.map(() => ({ appointments: 0, served: 0, noShows: 0, cancelled: 0, walkIns: 0, lead: [] as number[], wait: [] as number[] }));
  const weekIndex = (iso: string) => starts.indexOf(mondayOf(localDateOf(tz, new Date(iso))));
  for (const b of bookings) {
    const w = raw[weekIndex(b.starts_at)];
    if (!w) continue;
    if (b.status === 'cancelled') {
      w.cancelled++;
      continue;
    }
    w.appointments++;
    if (b.status === 'served') w.served++;
    if (b.status === 'no-show') w.noShows++;
    w.lead.push((new Date(b.starts_at).getTime() - new Date(b.created_at).getTime()) / 86_400_000);
  }
  for (const x of walkIns) {
    const w = raw[weekIndex(x.created_at)];
    if (!w) continue;
    w.walkIns++;
    if (x.called_at) w.wait.push((new Date(x.called_at).getTime() - new Date(x.created_at).getTime()) / 60_000);
  }
  const series = Object.fromEntries(REPORT_MEASURES.map((m) => [m, suppressSeries(raw.map((w) => w[m]), { max })])) as Record<ReportMeasure, ReturnType<typeof suppressSeries>>;
  const medianCell = (values: number[], digits: number): PublishedCell =>
    values.length > max ? { suppressed: false, value: Number(median(values).toFixed(digits)) } : { suppressed: true, reason: 'primary' };
  return {
    weeks: starts.map((weekStart, i) => ({
      weekStart,
      counts: Object.fromEntries(REPORT_MEASURES.map((m) => [m, series[m].values[i] as PublishedCell])) as Record<ReportMeasure, PublishedCell>,
      medianLeadDays: medianCell(raw[i]?.lead ?? [], 1),
      medianWalkInWaitMinutes: medianCell(raw[i]?.wait ?? [], 0),
    })),
    totals: Object.fromEntries(REPORT_MEASURES.map((m) => [m, series[m].total])) as Record<ReportMeasure, PublishedCell>,
    smallCellMax: max,
  };
}
