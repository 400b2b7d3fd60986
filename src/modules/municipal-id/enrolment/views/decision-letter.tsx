/**
 * The decision letter, printed to PDF by Chromium in the applicant's language: the decision, its reason in
 * plain words, what happens next, and what the city keeps. Never served to a browser: its styles are inline
 * (see core/pdf). The name is marked with its script's language and direction.
 */
import type { Translate } from '../../../../core/i18n/messages.ts';
import { nameMarkup } from '../../card/name-script.ts';

/** US Letter, in millimetres. */
export const LETTER_MM = { width: 215.9, height: 279.4 } as const;

/** What a letter says. */
export interface LetterContent {
  lang: string;
  name: string;
  decision: 'approved' | 'denied';
  reason: string;
  /** The date of the decision, formatted for the letter's language. */
  date: string;
  cityName: string;
  office: string;
  minimumAge: number;
  retentionDays: number;
  statusUrl: string;
}

/** The letter's style sheet: no quotes, `<`, `>` or `&`, so JSX escaping leaves it unchanged. */
export const CSS = `
@page { size: ${LETTER_MM.width}mm ${LETTER_MM.height}mm; margin: 0; }
* { box-sizing: border-box; }
body { margin: 0; padding: 22mm 24mm; font-family: Noto Sans, Noto Sans Ethiopic, Noto Naskh Arabic, Noto Sans CJK SC, Noto Sans Myanmar, sans-serif; font-size: 11pt; line-height: 1.5; color: #1b1b1b; }
header { border-bottom: 0.6mm solid #1a4480; padding-bottom: 4mm; margin-bottom: 10mm; }
header .city { font-size: 16pt; font-weight: 700; color: #1a4480; margin: 0; }
header .office { margin: 0; color: #565c65; }
h1 { font-size: 15pt; margin: 0 0 6mm; }
.decision { font-weight: 700; font-size: 12pt; }
.name { unicode-bidi: isolate; }
footer { margin-top: 14mm; }
.small { font-size: 9.5pt; color: #3d4551; }
`;

/** The letter as one HTML document. */
export function DecisionLetter(props: { letter: LetterContent; t: Translate }) {
  const { letter, t } = props;
  const markup = nameMarkup(letter.name);
  const name = (
    <span class="name" lang={markup.lang} dir={markup.dir}>
      {letter.name}
    </span>
  );
  return (
    <html lang={letter.lang}>
      <head>
        <meta charset="utf-8" />
        <title>{t('municipalId.letter.title', { city: letter.cityName })}</title>
        <style>{CSS}</style>
      </head>
      <body>
        <header>
          <p class="city">{t('municipalId.letter.city', { city: letter.cityName })}</p>
          <p class="office">{letter.office}</p>
        </header>
        <p>{letter.date}</p>
        <h1>{t('municipalId.letter.title', { city: letter.cityName })}</h1>
        <p>
          {t('municipalId.letter.greeting')} {name}
        </p>
        <p class="decision">{t(`municipalId.letter.${letter.decision}.lead`, { city: letter.cityName })}</p>
        <p>{t(`municipalId.letter.reason.${letter.reason}`, { age: letter.minimumAge })}</p>
        <p>{t(`municipalId.letter.${letter.decision}.next`, { office: letter.office })}</p>
        <p>{t('municipalId.letter.status', { url: letter.statusUrl })}</p>
        <p class="small">{t(`municipalId.letter.${letter.decision}.privacy`, { days: letter.retentionDays })}</p>
        <footer>
          <p>{t('municipalId.letter.signature', { office: letter.office, city: letter.cityName })}</p>
        </footer>
      </body>
    </html>
  );
}
