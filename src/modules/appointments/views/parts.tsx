import type { Child } from 'hono/jsx';
import type { Locale } from '../../../core/i18n/locales.ts';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { formatDay, formatTime, nativeLanguageName } from '../appointments.format.ts';
import type { SiteView } from '../site-rules.ts';
import { formatClock } from '../zoned-time.ts';

/** The jurisdiction's languages, for their own names. */
export type KnownLanguages = ReadonlyArray<{ code: string; nativeName: string; englishName?: string }>;

/** A date in the reader's language ("Tuesday, December 1"). */
export function day(ctx: ViewContext, isoDate: string, year = false): string {
  return formatDay(ctx.t, isoDate, { year });
}

/** A time in the reader's language, in the city's time zone. */
export function time(ctx: ViewContext, tz: string, iso: string): string {
  return formatTime(ctx.locale, tz, iso);
}

/** A clock time of the opening hours ("8:30 AM"). */
export function clock(locale: Locale, minutes: number): string {
  return formatTime(locale, 'UTC', `2026-01-05T${formatClock(minutes)}:00.000Z`);
}

/** A language shown by its own name and marked with its language (WCAG 3.1.2). */
export function LanguageName(props: { code: string; languages: KnownLanguages }) {
  return <span lang={props.code}>{nativeLanguageName(props.code, props.languages)}</span>;
}

/** A list of languages, each in its own name. */
export function LanguageList(props: { codes: readonly string[]; languages: KnownLanguages }) {
  return (
    <>
      {props.codes.map((c, i) => (
        <>
          {i > 0 ? ', ' : ''}
          <LanguageName code={c} languages={props.languages} />
        </>
      ))}
    </>
  );
}

/** The accessibility notes of a site in the reader's language, else English (marked as English). */
export function AccessibilityNote(props: { ctx: ViewContext; site: SiteView }) {
  const own = props.site.accessibility[props.ctx.locale];
  if (own) return <>{own}</>;
  const en = props.site.accessibility.en;
  return en ? <span lang="en">{en}</span> : <>{props.ctx.t('appointments.site.noAccessibilityNote')}</>;
}

const WEEK = [1, 2, 3, 4, 5, 6, 0];

/** Opening hours, one line per weekday with hours ("Monday: 8:30 AM–12:00 PM, 1:00 PM–4:30 PM"). */
export function OpeningHours(props: { ctx: ViewContext; site: SiteView }) {
  const { ctx, site } = props;
  const days = WEEK.map((d) => ({ d, ranges: site.hours.filter((h) => h.weekday === d).sort((a, b) => a.opens - b.opens) })).filter((x) => x.ranges.length > 0);
  if (days.length === 0) return <p>{ctx.t('appointments.site.noHours')}</p>;
  return (
    <ul class="usa-list usa-list--unstyled">
      {days.map(({ d, ranges }) => (
        <li>
          {ctx.t('appointments.site.hoursLine', {
            weekday: ctx.t(`appointments.weekday.${d}`),
            ranges: ranges.map((r) => ctx.t('appointments.site.range', { from: clock(ctx.locale, r.opens), to: clock(ctx.locale, r.closes) })).join(', '),
          })}
        </li>
      ))}
    </ul>
  );
}

/** The facts of a site residents need: address, languages, accessibility, hours. */
export function SiteFacts(props: { ctx: ViewContext; site: SiteView; languages: KnownLanguages; hours?: boolean }) {
  const { ctx, site } = props;
  const t = ctx.t;
  return (
    <dl class="sanctuary-summary-list">
      <div class="sanctuary-summary-list__row">
        <dt class="sanctuary-summary-list__key">{t('appointments.site.address')}</dt>
        <dd class="sanctuary-summary-list__value">{site.address}</dd>
      </div>
      <div class="sanctuary-summary-list__row">
        <dt class="sanctuary-summary-list__key">{t('appointments.site.languages')}</dt>
        <dd class="sanctuary-summary-list__value">
          <LanguageList codes={site.languages} languages={props.languages} />
        </dd>
      </div>
      <div class="sanctuary-summary-list__row">
        <dt class="sanctuary-summary-list__key">{t('appointments.site.accessibility')}</dt>
        <dd class="sanctuary-summary-list__value">
          <AccessibilityNote ctx={ctx} site={site} />
        </dd>
      </div>
      {props.hours ? (
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{t('appointments.site.hours')}</dt>
          <dd class="sanctuary-summary-list__value">
            <OpeningHours ctx={ctx} site={site} />
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

/** A plain section heading followed by its content (keeps the pages' heading order right). */
export function Section(props: { title: string; children?: Child }) {
  return (
    <section class="margin-top-4">
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}
