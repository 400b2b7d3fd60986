import type { ClockView } from '../../../core/clocks/index.ts';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { PERSON_LANGUAGES } from '../legal-defense.schemas.ts';

/** A timestamp in the city's time zone, in the page's language. */
export function when(ctx: ViewContext, iso: string | Date, timeZone: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
}

/** The endonym of a language code (or the translated "another language"). */
export function languageName(ctx: ViewContext, code: string) {
  const found = PERSON_LANGUAGES.find((l) => l.code === code);
  return found ? <span lang={found.code}>{found.name}</span> : ctx.t('legal-defense.language.other');
}

/** A clock's state in words: due when, met, overdue, stopped. */
export function ClockLine(props: { ctx: ViewContext; clock: ClockView | null; timeZone: string; now: Date }) {
  const { ctx, clock } = props;
  if (!clock) return <span>{ctx.t('legal-defense.clock.none')}</span>;
  const due = when(ctx, clock.dueAt, props.timeZone);
  if (clock.status === 'met' && clock.metAt) return <span>{ctx.t(clock.metLate ? 'legal-defense.clock.metLate' : 'legal-defense.clock.met', { at: when(ctx, clock.metAt, props.timeZone), due })}</span>;
  if (clock.stoppedAt) return <span>{ctx.t('legal-defense.clock.stopped', { at: when(ctx, clock.stoppedAt, props.timeZone) })}</span>;
  const hours = Math.round((clock.dueAt.getTime() - props.now.getTime()) / 360_000) / 10;
  return (
    <strong class={hours < 0 ? 'sanctuary-overdue' : undefined}>
      {hours < 0 ? ctx.t('legal-defense.clock.overdue', { due, hours: -hours }) : ctx.t('legal-defense.clock.due', { due, hours })}
    </strong>
  );
}
