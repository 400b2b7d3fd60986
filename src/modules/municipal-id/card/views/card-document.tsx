/**
 * The print document of one municipal ID card: an HTML page per side (front, back) at the CR80 / ISO/IEC 7810
 * ID-1 size, 85.60 × 53.98 mm, printed to PDF by Chromium (`ctx.pdf`, core/pdf). It is never served to a
 * browser, so its styles are inline (a served page's CSP forbids that; this document runs with JavaScript off
 * and no network, see the printer).
 *
 * Front: the city and the card's name, the holder's photo, name, date of birth, card number, issue and expiry
 * dates, and the optional designations (gender as the person chose it, veteran). Back: the QR code of the
 * signed credential, drawn as vectors, and where to check a card. Labels are in the city's default language;
 * the name is marked with its script's language and direction (`../name-script.ts`).
 */
import type { Translate } from '../../../../core/i18n/messages.ts';
import type { QrMatrix } from '../../credential/credential.qr.ts';
import { nameMarkup } from '../name-script.ts';

/** CR80 in millimetres. */
export const CR80_MM = { width: 85.6, height: 53.98 } as const;

/** What is printed on a card. */
export interface CardPrint {
  /** The printed form, `1234-5678-9012`. */
  number: string;
  name: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  issuedOn: string;
  expiresOn: string;
  /** The card variant as printed (`municipalId.card.variant.<id>`, else the profile's label). */
  variantLabel: string;
  gender: 'female' | 'male' | 'x' | 'not-shown';
  veteran: boolean;
  /** The re-encoded portrait JPEG. */
  photoJpeg: Buffer;
  /** The credential's QR code as a module matrix (`credentialQrMatrix`), drawn here as vector shapes. */
  qr: QrMatrix;
  /** Where a verifier checks a card (`<BASE_URL>/verify`), printed on the back. */
  verifyUrl: string;
  cityName: string;
}

/**
 * Font stack: Noto Sans for Latin (Somali, Hmong, Vietnamese…), Cyrillic and Greek; Noto's Arabic, Hebrew and
 * Ethiopic faces named because fontconfig's own fallback for those scripts is DejaVu Sans, which does not shape
 * Arabic properly (the six-script test catches it). Other scripts fall back glyph by glyph to the installed Noto
 * font that has them (Debian's fonts-noto-core and fonts-noto-cjk), guided by the name's `lang` (a Han name
 * tagged `zh` gets Chinese forms). Every family named costs a lookup per text run on every print, so the list
 * is short. Unquoted family names: the style sheet goes through JSX escaping, which would mangle quotes.
 */
const FONTS = 'Noto Sans, Noto Naskh Arabic, Noto Sans Hebrew, Noto Sans Ethiopic, sans-serif';

/**
 * Chinese names: Droid Sans Fallback (Debian `fonts-droid-fallback`), a TrueType face, before Noto Sans CJK.
 * Chromium's PDF backend embeds a TrueType face as a subset CID font, but draws every glyph of Noto CJK (a
 * CFF font) — and of any face it has to embolden itself — as a Type3 font of paths, which made a card with a
 * Chinese name print three times slower than a Latin one. So the name is not emboldened (`font-synthesis:
 * none`: Droid has no bold face; the name stays the largest text on the card). Without the package, Noto
 * Sans CJK prints it as before, only slower. Japanese and Korean names keep Noto CJK's forms for those
 * languages.
 */
const HAN_FONTS = 'Noto Sans, Droid Sans Fallback, Noto Sans CJK SC, sans-serif';

/** The card's style sheet: no quotes, `<`, `>` or `&`, so JSX escaping leaves it unchanged (checked in a test). */
export const CSS = `
@page { size: ${CR80_MM.width}mm ${CR80_MM.height}mm; margin: 0; }
* { box-sizing: border-box; margin: 0; padding: 0; }
html, body { width: ${CR80_MM.width}mm; font-family: ${FONTS}; color: #1b1b1b; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.side { position: relative; width: ${CR80_MM.width}mm; height: ${CR80_MM.height}mm; overflow: hidden; break-after: page; background: #fff; }
.side:last-child { break-after: auto; }
.band { height: 9mm; background: #1a4480; color: #fff; padding: 1.6mm 3mm 0; display: flex; justify-content: space-between; align-items: baseline; }
.band .city { font-size: 8.5pt; font-weight: 700; }
.band .title { font-size: 6.5pt; letter-spacing: 0.02em; }
.photo { position: absolute; left: 3mm; top: 12mm; width: 24mm; height: 32mm; object-fit: cover; border: 0.2mm solid #71767a; }
.facts { position: absolute; left: 30mm; top: 11.5mm; right: 3mm; }
.name { font-weight: 700; line-height: 1.15; margin-bottom: 1.4mm; overflow-wrap: anywhere; unicode-bidi: isolate; }
.name:lang(zh) { font-family: ${HAN_FONTS}; font-synthesis: none; }
.name.s1 { font-size: 11pt; } .name.s2 { font-size: 9pt; } .name.s3 { font-size: 7.5pt; }
dl { display: grid; grid-template-columns: auto 1fr; column-gap: 2mm; row-gap: 0.5mm; font-size: 6pt; }
dt { color: #565c65; } dd { font-weight: 700; }
.number { font-variant-numeric: tabular-nums; letter-spacing: 0.03em; }
.marks { position: absolute; left: 3mm; bottom: 2.4mm; font-size: 5.5pt; font-weight: 700; color: #1a4480; }
.variant { position: absolute; right: 3mm; bottom: 2.4mm; font-size: 6pt; font-weight: 700; background: #e7f2f5; padding: 0.4mm 1.2mm; border-radius: 0.8mm; }
.back .qr { position: absolute; left: 3mm; top: 3mm; width: 44mm; height: 44mm; }
.back .text { position: absolute; left: 50mm; top: 4mm; right: 3mm; font-size: 5.8pt; line-height: 1.35; }
.back .text p { margin-bottom: 1.6mm; }
.back .url { font-weight: 700; overflow-wrap: anywhere; }
.back .number { position: absolute; left: 50mm; bottom: 3mm; font-size: 6.5pt; font-weight: 700; }
`;

/** Font-size class for a name by its length (long names shrink rather than overflow the card). */
function nameSize(name: string): 's1' | 's2' | 's3' {
  const chars = [...name].length;
  return chars <= 22 ? 's1' : chars <= 34 ? 's2' : 's3';
}

function dataUrl(type: string, bytes: Buffer | string): string {
  return `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** Quiet zone around a QR code, in modules (the QR standard asks for 4). */
const QUIET = 4;

/**
 * The path of a QR code's dark modules: one rectangle per horizontal run of dark modules, in module units with
 * the quiet zone. Drawn inline (no image to decode) as vector shapes, so the code stays sharp at any printer
 * resolution.
 */
export function qrPath(qr: QrMatrix): string {
  const parts: string[] = [];
  for (let y = 0; y < qr.size; y++) {
    let x = 0;
    while (x < qr.size) {
      if (qr.modules[y * qr.size + x] !== 1) {
        x++;
        continue;
      }
      const start = x;
      while (x < qr.size && qr.modules[y * qr.size + x] === 1) x++;
      parts.push(`M${start + QUIET} ${y + QUIET}h${x - start}v1h${start - x}z`);
    }
  }
  return parts.join('');
}

/** The QR code as inline SVG (white quiet zone, black modules). */
function QrCode(props: { qr: QrMatrix; label: string }) {
  const side = props.qr.size + 2 * QUIET;
  return (
    <svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${side} ${side}`} role="img" aria-label={props.label} shape-rendering="crispEdges">
      <rect width={String(side)} height={String(side)} fill="#fff" />
      <path d={qrPath(props.qr)} fill="#000" />
    </svg>
  );
}

/** The two sides of a card as one HTML document (front first). `t` translates labels (the card's language). */
export function CardDocument(props: { card: CardPrint; t: Translate; lang: string }) {
  const { card, t } = props;
  const markup = nameMarkup(card.name);
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <title>{t('municipalId.card.documentTitle', { number: card.number })}</title>
        <style>{CSS}</style>
      </head>
      <body>
        <section class="side front">
          <div class="band">
            <span class="city">{card.cityName}</span>
            <span class="title">{t('municipalId.card.title')}</span>
          </div>
          <img class="photo" src={dataUrl('image/jpeg', card.photoJpeg)} alt={t('municipalId.card.photoAlt')} />
          <div class="facts">
            <p class={`name ${nameSize(card.name)}`} lang={markup.lang} dir={markup.dir}>
              {card.name}
            </p>
            <dl>
              <dt>{t('municipalId.card.birthDate')}</dt>
              <dd>{card.birthDate}</dd>
              <dt>{t('municipalId.card.number')}</dt>
              <dd class="number">{card.number}</dd>
              <dt>{t('municipalId.card.issued')}</dt>
              <dd>{card.issuedOn}</dd>
              <dt>{t('municipalId.card.expires')}</dt>
              <dd>{card.expiresOn}</dd>
              {card.gender !== 'not-shown' ? (
                <>
                  <dt>{t('municipalId.card.gender')}</dt>
                  <dd>{t(`municipalId.card.gender.${card.gender}`)}</dd>
                </>
              ) : null}
            </dl>
          </div>
          {card.veteran ? <p class="marks">{t('municipalId.card.veteran')}</p> : null}
          <p class="variant">{card.variantLabel}</p>
        </section>
        <section class="side back">
          <QrCode qr={card.qr} label={t('municipalId.card.qrAlt')} />
          <div class="text">
            <p>{t('municipalId.card.back.verify')}</p>
            <p class="url">{card.verifyUrl}</p>
            <p>{t('municipalId.card.back.notProof')}</p>
            <p>{t('municipalId.card.back.found', { city: card.cityName })}</p>
          </div>
          <p class="number">{card.number}</p>
        </section>
      </body>
    </html>
  );
}
