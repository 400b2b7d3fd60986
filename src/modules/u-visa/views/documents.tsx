/**
 * The printed documents: the Supplement B answers (always in English: USCIS forms are completed in English)
 * and the decision letter (in the requester's language). Self-contained HTML — styles inline, no images, no
 * links — for the PDF printer.
 */
import type { Translate } from '../../../core/i18n/messages.ts';
import { crimeLabelKey } from '../u-visa.crimes.ts';
import { uscisDate } from '../supplement-b/supplement-b.answers.ts';
import { STOCK_ANSWERS, type SupplementField, type SupplementForm, supplementFields, supplementParts } from '../supplement-b/supplement-b.fields.ts';

const PRINT_CSS = `
@page { size: Letter; margin: 18mm 16mm; }
body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; font-size: 10.5pt; color: #111; line-height: 1.35; }
h1 { font-size: 15pt; margin: 0 0 4pt; }
h2 { font-size: 11.5pt; margin: 14pt 0 4pt; border-bottom: 1px solid #444; padding-bottom: 2pt; }
p { margin: 0 0 6pt; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 3pt 4pt; border-bottom: 1px solid #ccc; }
th { width: 42%; font-weight: 600; }
td { white-space: pre-wrap; }
.meta { color: #333; font-size: 9.5pt; }
.signature { margin-top: 22pt; }
.line { display: inline-block; min-width: 60mm; border-bottom: 1px solid #111; }
.letterhead { border-bottom: 2px solid #111; padding-bottom: 6pt; margin-bottom: 14pt; }
`;

/** How one answer prints: option labels, crime names, dates as MM/DD/YYYY, stock answers as they are. */
function printedAnswer(t: Translate, field: SupplementField, value: string): string {
  if ((STOCK_ANSWERS as readonly string[]).includes(value)) return value;
  if (field.type === 'date') return uscisDate(value);
  if (field.type === 'choice') return t(`u-visa.suppb.option.${value}`);
  if (field.type === 'multi') {
    return value
      .split(',')
      .map((v) => (field.id === 'crimes' ? t(crimeLabelKey(v)) : field.id === 'crimeModifiers' ? t(`u-visa.crimeModifier.${v}`) : t(`u-visa.suppb.option.${v}`)))
      .join('; ');
  }
  return value;
}

/** The Supplement B answers as a printable document (English). */
export function SupplementDocument(props: { t: Translate; form: SupplementForm; answers: Readonly<Record<string, string>>; cityName: string; reference: string }) {
  const { t, form, answers } = props;
  const fields = supplementFields(form);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{t(`u-visa.suppb.title.${form}`)}</title>
        <style>{PRINT_CSS}</style>
      </head>
      <body>
        <h1>{t(`u-visa.suppb.title.${form}`)}</h1>
        <p class="meta">{t(`u-visa.suppb.edition.${form}`)}</p>
        <p class="meta">{t('u-visa.suppb.note', { city: props.cityName, reference: props.reference })}</p>
        {supplementParts(form).map((part) => (
          <section>
            <h2>{t(`u-visa.suppb.part.${form}.${part}`)}</h2>
            <table>
              <tbody>
                {fields
                  .filter((f) => f.part === part)
                  .map((f) => (
                    <tr>
                      <th scope="row">{t(`u-visa.suppb.field.${f.id}`)}</th>
                      <td>{answers[f.id] !== undefined && answers[f.id] !== '' ? printedAnswer(t, f, answers[f.id] as string) : ''}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        ))}
        <p class="signature">
          {t('u-visa.suppb.signatureLine')} <span class="line"> </span>
        </p>
      </body>
    </html>
  );
}

/** What a decision letter says. */
export interface LetterContent {
  locale: string;
  cityName: string;
  departmentName: string;
  requesterName: string;
  reference: string;
  visaType: 'U' | 'T';
  decision: 'certified' | 'denied';
  /** The decision date, `YYYY-MM-DD`. */
  decidedOn: string;
  /** Certified U requests: the last day USCIS should receive the petition. */
  fileBy?: string;
  denialReason?: string;
  denialExplanation?: string;
}

/** The decision letter, in the requester's language. */
export function DecisionLetter(props: { t: Translate; letter: LetterContent }) {
  const { t, letter } = props;
  const decidedOn = new Date(`${letter.decidedOn}T12:00:00Z`);
  const fileBy = letter.fileBy ? new Date(`${letter.fileBy}T12:00:00Z`) : undefined;
  return (
    <html lang={letter.locale}>
      <head>
        <meta charset="utf-8" />
        <title>{t('u-visa.letter.title')}</title>
        <style>{PRINT_CSS}</style>
      </head>
      <body>
        <div class="letterhead">
          <h1>{t('u-visa.letter.letterhead', { city: letter.cityName })}</h1>
          <p lang="en">{letter.departmentName}</p>
        </div>
        <p>{t('u-visa.letter.date', { date: decidedOn })}</p>
        <p>{t('u-visa.letter.reference', { reference: letter.reference })}</p>
        <p>{t('u-visa.letter.greeting', { name: letter.requesterName })}</p>
        {letter.decision === 'certified' ? (
          <>
            <p>{t('u-visa.letter.certified', { visaType: letter.visaType, date: decidedOn })}</p>
            {fileBy ? <p>{t('u-visa.letter.fileBy', { date: fileBy })}</p> : null}
            <p>{t('u-visa.letter.certifiedNext')}</p>
          </>
        ) : (
          <>
            <p>{t('u-visa.letter.denied', { visaType: letter.visaType, date: decidedOn })}</p>
            <p>{t('u-visa.letter.reason', { reason: t(`u-visa.denialReason.${letter.denialReason ?? 'other'}`) })}</p>
            {letter.denialExplanation ? <p>{letter.denialExplanation}</p> : null}
            <p>{t('u-visa.letter.reconsideration')}</p>
          </>
        )}
        <p>{t('u-visa.letter.privacy')}</p>
        <p class="signature">{t('u-visa.letter.closing')}</p>
        <p lang="en">{letter.departmentName}</p>
      </body>
    </html>
  );
}
