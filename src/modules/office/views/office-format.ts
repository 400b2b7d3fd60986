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
