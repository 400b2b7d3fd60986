/**
 * The translated decision letter: rendered from the application (decrypted; the read is audited by the
 * application part) in the language the applicant used, and printed to PDF on the shared Chromium. The
 * letter is not stored: it is made again on demand while the application is kept.
 */
import { inTransaction } from '../../../core/db/transaction.ts';
import { AppError } from '../../../core/http/errors.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { renderDocument } from '../../../core/views/render.ts';
import { type Locale, isLocale } from '../../../core/i18n/locales.ts';
import { type ApplicationActor, type ApplicationForEnrolment, decisionRetentionDays, getApplicationForEnrolment } from '../application/application.service.ts';
import { DecisionLetter, LETTER_MM } from './views/decision-letter.tsx';

/**
 * The language of the letter: the applicant's preferred language when the platform speaks it, else the
 * language they filled the form in.
 */
export function letterLocale(app: Pick<ApplicationForEnrolment, 'language' | 'locale'>): Locale {
  return isLocale(app.language) ? app.language : app.locale;
}

/** The decision letter of a decided application, as a PDF in the applicant's language. */
export async function decisionLetterPdf(ctx: AppContext, actor: ApplicationActor, applicationId: string): Promise<Buffer> {
  const html = await inTransaction(ctx.db, async (tx) => {
    const app = await getApplicationForEnrolment(ctx, tx, applicationId, actor);
    if (!app.decidedAt || !app.decisionReason) throw new AppError('conflict', { messageKey: 'municipalId.letter.error.undecided' });
    const decision = app.status === 'denied' ? 'denied' : 'approved';
    const locale = letterLocale(app);
    const date = new Intl.DateTimeFormat(locale === 'hmn' ? 'en' : locale, { dateStyle: 'long', timeZone: ctx.jurisdiction.locale.timezone.value }).format(new Date(app.decidedAt));
    return renderDocument(
      DecisionLetter({
        t: ctx.messages.translator(locale),
        letter: {
          lang: locale,
          name: app.name,
          decision,
          reason: ctx.messages.has(`municipalId.letter.reason.${app.decisionReason}`) ? app.decisionReason : 'other',
          date,
          cityName: ctx.jurisdiction.place.cityName.value,
          office: ctx.jurisdiction.municipalId.administeringOffice.value,
          minimumAge: ctx.jurisdiction.municipalId.minimumAge.value,
          retentionDays: decisionRetentionDays(ctx),
          statusUrl: `${ctx.config.baseUrl.replace(/\/+$/, '')}/forms/municipal-id/status`,
        },
      }),
    );
  });
  return ctx.pdf.print(html, { widthMm: LETTER_MM.width, heightMm: LETTER_MM.height });
}
