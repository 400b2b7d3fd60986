import type { Child } from 'hono/jsx';
import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import { Tag } from '../../../core/views/components.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';

function intlLocale(ctx: ViewContext): string {
  // Hmong has no CLDR date data: dates are written with numbers the Hmong reader knows from English.
  return ctx.locale === 'hmn' ? 'en' : ctx.locale;
}

/** A timestamp as the city's local date and time, in the reader's language. */
export function formatDateTime(ctx: ViewContext, jurisdiction: Jurisdiction, iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(ctx), { dateStyle: 'medium', timeStyle: 'short', timeZone: jurisdiction.locale.timezone.value }).format(new Date(iso));
}

/** A local date (`YYYY-MM-DD`) in the reader's language. */
export function formatDate(ctx: ViewContext, date: string): string {
  return new Intl.DateTimeFormat(intlLocale(ctx), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

/** Days left on a clock, in words, and marked as a tag when overdue or paused (said in words, not colour alone). */
export function ClockState(props: { ctx: ViewContext; daysLeft: number | null; status: string | null }): Child {
  const { ctx, daysLeft } = props;
  if (props.status === 'paused') return <Tag>{ctx.t('clocks.status.paused')}</Tag>;
  if (daysLeft === null) return ctx.t('u-visa.staff.noClock');
  if (daysLeft < 0) return <strong class="sanctuary-overdue">{ctx.t('clocks.due.overdueBy', { days: -daysLeft })}</strong>;
  return <span class={daysLeft <= 2 ? 'sanctuary-due-soon' : undefined}>{ctx.t('clocks.due.daysLeft', { days: daysLeft })}</span>;
}
