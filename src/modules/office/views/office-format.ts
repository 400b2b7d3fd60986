import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import type { ViewContext } from '../../../core/views/view-context.ts';

/** A timestamp as the city's local date and time, in the reader's language. */
export function formatDateTime(ctx: ViewContext, jurisdiction: Jurisdiction, iso: string): string {
  return new Intl.DateTimeFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: jurisdiction.locale.timezone.value,
  }).format(new Date(iso));
}

/** A preferred-language code as the language's own name (or "another language"). */
export function languageName(ctx: ViewContext, jurisdiction: Jurisdiction, code: string): string {
  if (code === 'other') return ctx.t('office.form.language.other');
  return jurisdiction.locale.languages.value.find((l) => l.code === code)?.nativeName ?? code;
}
