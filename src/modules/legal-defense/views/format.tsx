import type { ClockView } from '../../../core/clocks/index.ts';
import { formatHmongDate } from '../../../core/i18n/messages.ts';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { PERSON_LANGUAGES } from '../legal-defense.schemas.ts';

/** A timestamp in the city's time zone, in the page's language. */
export function when(ctx: ViewContext, iso: string | Date, timeZone: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
}

/** A calendar day (`YYYY-MM-DD`) in the page's language. */
export function day(ctx: ViewContext, iso: string): string {
  const d = new Date(`${iso}T12:00:00Z`);
  if (ctx.locale === 'hmn') return formatHmongDate(d, 'medium');
  return new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** The endonym of a language code (or the translated "another language"). */
export function languageName(ctx: ViewContext, code: string) {
  const found = PERSON_LANGUAGES.find((l) => l.code === code);
  return found ? <span lang={found.code}>{found.name}</span> : ctx.t('legal-defense.language.other');
}

/** The local calendar day of an instant in a time zone, `YYYY-MM-DD`. */
function dayIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * A clock's state in words: due when, met, overdue, stopped. A day clock (a court deadline) is due by the end of
 * its last day, named with its weekday, and counted in days; an hour clock (a service promise) by its time, in hours.
 */
export function ClockLine(props: { ctx: ViewContext; clock: ClockView | null; timeZone: string; now: Date }) {
  const { ctx, clock } = props;
  if (!clock) return <span>{ctx.t('legal-defense.clock.none')}</span>;
  const dayClock = clock.dueTime === null;
  const lastDay = new Date(`${clock.dueDate}T12:00:00Z`);
  const due = dayClock ? ctx.t('legal-defense.clock.lastDay', { date: lastDay }) : when(ctx, clock.dueAt, props.timeZone);
  if (clock.status === 'met' && clock.metAt) return <span>{ctx.t(clock.metLate ? 'legal-defense.clock.metLate' : 'legal-defense.clock.met', { at: when(ctx, clock.metAt, props.timeZone), due })}</span>;
  if (clock.stoppedAt) return <span>{ctx.t('legal-defense.clock.stopped', { at: when(ctx, clock.stoppedAt, props.timeZone) })}</span>;
  if (dayClock) {
    const days = Math.round((lastDay.getTime() - Date.parse(`${dayIn(props.now, props.timeZone)}T12:00:00Z`)) / 86_400_000);
    return (
      <strong class={days < 0 ? 'sanctuary-overdue' : undefined}>
        {ctx.t('legal-defense.clock.dueDay', { date: lastDay })} ({days < 0 ? ctx.t('clocks.due.overdueBy', { days: -days }) : ctx.t('clocks.due.daysLeft', { days })})
      </strong>
    );
  }
  const tenths = Math.round((clock.dueAt.getTime() - props.now.getTime()) / 360_000) / 10;
  const hours = new Intl.NumberFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, { maximumFractionDigits: 1 }).format(Math.abs(tenths));
  return (
    <strong class={tenths < 0 ? 'sanctuary-overdue' : undefined}>
      {tenths < 0 ? ctx.t('legal-defense.clock.overdue', { due, hours }) : ctx.t('legal-defense.clock.due', { due, hours })}
    </strong>
  );
}
