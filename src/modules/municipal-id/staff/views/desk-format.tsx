/**
 * Small pieces the municipal ID staff pages share: dates in the reader's language and the city's time zone,
 * status tags, names marked with their script, the desk's breadcrumbs, and keyset links.
 */
import type { Jurisdiction } from '../../../../core/jurisdiction/index.ts';
import { Breadcrumbs, Tag } from '../../../../core/views/components.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import type { Keyset } from '../../card/card.repo.ts';
import { nameMarkup } from '../../card/name-script.ts';

/** The desk's home. */
export const DESK = '/staff/municipal-id';

function intlLocale(ctx: ViewContext): string {
  return ctx.locale === 'hmn' ? 'en' : ctx.locale;
}

/**
 * Formatters are built once per language, style and zone: constructing an `Intl.DateTimeFormat` costs far more
 * than formatting with one (a list page formats dozens of dates).
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(key, f);
  }
  return f;
}

/** A timestamp as the city's local date and time. */
export function formatDateTime(ctx: ViewContext, jurisdiction: Jurisdiction, iso: string): string {
  return dateFormat(intlLocale(ctx), { dateStyle: 'medium', timeStyle: 'short', timeZone: jurisdiction.locale.timezone.value }).format(new Date(iso));
}

/** A time of day in the city. */
export function formatTime(ctx: ViewContext, jurisdiction: Jurisdiction, iso: string): string {
  return dateFormat(intlLocale(ctx), { timeStyle: 'short', timeZone: jurisdiction.locale.timezone.value }).format(new Date(iso));
}

/** A calendar date `YYYY-MM-DD` in the reader's language. */
export function formatDay(ctx: ViewContext, day: string): string {
  return dateFormat(intlLocale(ctx), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** A month `YYYY-MM` in the reader's language. */
export function formatMonth(ctx: ViewContext, month: string): string {
  return dateFormat(intlLocale(ctx), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A number in the reader's language. */
export function formatNumber(ctx: ViewContext, n: number): string {
  const locale = intlLocale(ctx);
  let f = numberFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    numberFormats.set(locale, f);
  }
  return f.format(n);
}

/** A count capped at the list's cap: "1,000 or more". */
export function cappedCount(ctx: ViewContext, n: number, cap: number): string {
  return n >= cap ? ctx.t('municipalId.desk.countCapped', { n: cap }) : formatNumber(ctx, n);
}

/** A person's name, marked with its script's language and direction (WCAG 3.1.2; bidi isolation). */
export function PersonName(props: { name: string }) {
  const m = nameMarkup(props.name);
  return (
    <bdi lang={m.lang} dir={m.dir} class="sanctuary-person-name">
      {props.name}
    </bdi>
  );
}

/** A status as a tag: `municipalId.<kind>.status.<status>`. */
export function StatusTag(props: { ctx: ViewContext; kind: 'application' | 'card'; status: string }) {
  const key = props.kind === 'card' ? `municipalId.card.status.${props.status}` : `municipalId.status.${props.status}`;
  return <Tag>{props.ctx.t(key)}</Tag>;
}

/** Breadcrumbs from the staff home through the desk. */
export function DeskCrumbs(props: { ctx: ViewContext; here: string; via?: { label: string; href: string } }) {
  const t = props.ctx.t;
  const items = [
    { label: t('staff.home.title'), href: '/staff' },
    { label: t('municipalId.desk.title'), href: DESK },
    ...(props.via ? [props.via] : []),
    { label: props.here },
  ];
  return <Breadcrumbs ctx={props.ctx} items={items} />;
}

/** `after=<created_at>~<id>` for a keyset link. */
export function keysetParam(k: Keyset): string {
  return `${k.createdAt}~${k.id}`;
}

/** A card variant's name: `municipalId.desk.variant.<id>` when the catalogs have it, else the profile's label. */
export function variantName(ctx: ViewContext, jurisdiction: Jurisdiction, id: string): string {
  const key = `municipalId.desk.variant.${id}`;
  const text = ctx.t(key);
  return text !== key ? text : (jurisdiction.municipalId.variants.find((v) => v.value.id === id)?.value.label ?? id);
}

/** A document type's name: `municipalId.document.<id>` when the catalogs have it, else the profile's label. */
export function documentName(ctx: ViewContext, jurisdiction: Jurisdiction, id: string): string {
  const key = `municipalId.document.${id}`;
  // The application part's document names may mention the city ("… with your {city} address").
  const text = ctx.t(key, { city: ctx.cityName });
  return text !== key ? text : (jurisdiction.municipalId.documents.find((d) => d.value.id === id)?.value.label ?? id);
}
