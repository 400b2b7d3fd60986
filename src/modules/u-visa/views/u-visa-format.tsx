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

/** Text in another language than the page's, marked so screen readers pronounce it right (WCAG 3.1.2). */
export function InLanguage(props: { ctx: ViewContext; lang: string; children?: Child }): Child {
  return props.lang === props.ctx.locale ? <>{props.children}</> : <span lang={props.lang}>{props.children}</span>;
}

/** The name of a Supplement B item: the English USCIS form's wording on every page, marked as English. */
export function ItemName(props: { ctx: ViewContext; id: string }): Child {
  return (
    <InLanguage ctx={props.ctx} lang="en">
      {props.ctx.t(`u-visa.suppb.field.${props.id}`)}
    </InLanguage>
  );
}

const SLOT = '\uE001';

/**
 * A translated message with one placeholder filled by markup (an English item name inside a Spanish
 * sentence, say): the message is formatted with a marker in the placeholder, then split around it.
 */
export function withSlot(ctx: ViewContext, key: string, name: string, node: Child, values: Record<string, string | number> = {}): Child {
  const parts = ctx.t(key, { ...values, [name]: SLOT }).split(SLOT);
  return (
    <>
      {parts.map((part, i) => (
        <>
          {i > 0 ? node : null}
          {part}
        </>
      ))}
    </>
  );
}
