/**
 * The printed card: a CR80 PDF (85.60 × 53.98 mm), front and back, with the holder's photo and the QR code of
 * the signed credential, and names in six scripts present as text — shaped, in order, and not drawn as the
 * empty boxes ("tofu") a font draws for characters it lacks. The QR code on the printed card reads back and
 * verifies. Chromium prints; the text is read back from the PDF by this repository's reader
 * (`pdf-reader.ts`) and, when poppler-utils is installed (CI installs it), by `pdftotext` too.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { duplicateIndex } from '../../src/modules/municipal-id/application/application.service.ts';
import { drawnPortrait } from '../../src/modules/municipal-id/card/card.demo.ts';
import { type CardActor, cardHtml, cardPdf, createCard, createHolder, printCard } from '../../src/modules/municipal-id/card/card.service.ts';
import { newCardNumber } from '../../src/modules/municipal-id/card/card-number.ts';
import { CR80_MM, CSS } from '../../src/modules/municipal-id/card/views/card-document.tsx';
import { jwsToShc } from '../../src/modules/municipal-id/credential/credential.codec.ts';
import { decodeQrImage } from '../../src/modules/municipal-id/credential/credential.qr.ts';
import { issuerVerifier } from '../../src/modules/municipal-id/credential/credential.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { chromiumAvailable } from '../browser/harness.ts';
import { cardBackPng, hasPdftoppm, pdfPagePng } from './card-images.ts';
import { containsLetters, hasPdftotext, letters, pdftotext, readPdf } from './pdf-reader.ts';

/** Whether Debian's fonts-droid-fallback (a TrueType Han face) is installed, as `.ci/run` does. */
function hasDroidFallback(): boolean {
  try {
    return execFileSync('fc-list', [':family=Droid Sans Fallback', 'family'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

const SYSTEM: CardActor = { userId: null, role: 'system' };

/** One name per script the issue names, and the Noto family that must draw it. */
const NAMES = [
  { script: 'Somali', name: 'Faadumo Cabdullaahi Xasan', font: /NotoSans/, rtl: false },
  { script: 'Hmong', name: 'Ntxawm Vwj Xyooj', font: /NotoSans/, rtl: false },
  { script: 'Amharic (Ethiopic)', name: 'ዮሐንስ ገብረ መድኅን', font: /NotoSansEthiopic/, rtl: false },
  { script: 'Arabic', name: 'فاطمة الزهراء حسن', font: /NotoNaskhArabic|NotoSansArabic/, rtl: true },
  { script: 'Chinese', name: '王小明', font: /DroidSansFallback|NotoSansCJK/, rtl: false },
  { script: 'Vietnamese', name: 'Nguyễn Thị Phương Thảo', font: /NotoSans/, rtl: false },
] as const;

describe.skipIf(!chromiumAvailable())('card PDF (Chromium)', () => {
  let t: TestApp;
  const cards = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    for (const [i, n] of NAMES.entries()) {
      const birthDate = `19${70 + i}-0${1 + i}-1${i}`;
      const id = await inTransaction(t.ctx.db, async (tx) => {
        const holderId = await createHolder(
          t.ctx,
          tx,
          { name: n.name, birthDate, gender: 'not-shown', veteran: false, photoJpeg: drawnPortrait(i * 40), personIndex: duplicateIndex(t.ctx, n.name, birthDate), documentIndex: null },
          SYSTEM,
        );
        return createCard(t.ctx, tx, { holderId, facts: { name: n.name, birthDate }, ward: 3 }, SYSTEM);
      });
      cards.set(n.script, id);
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('is CR80 (MediaBox), two pages: the front with the photo, the back with the QR code', async () => {
    const pdf = await cardPdf(t.ctx, SYSTEM, cards.get('Somali') as string);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = readPdf(pdf);
    expect(pages).toHaveLength(2);
    for (const p of pages) {
      expect(p.sizeMm.width).toBeCloseTo(CR80_MM.width, 1);
      expect(p.sizeMm.height).toBeCloseTo(CR80_MM.height, 1);
      // 242.65 × 153.01 pt, to the hundredth of a point.
      expect(p.mediaBox[2] - p.mediaBox[0]).toBeCloseTo(242.65, 1);
      expect(p.mediaBox[3] - p.mediaBox[1]).toBeCloseTo(153.01, 1);
    }
    expect(pages[0]?.images).toBe(1);
    expect(pages[0]?.text).toContain(t.ctx.messages.format('en', 'municipalId.card.title'));
    expect(pages[1]?.text).toContain(`${t.config.baseUrl}/verify`.slice(0, 20));
    expect(pages[1]?.images).toBe(0); // the QR code is vector graphics, not a scaled bitmap
  });

  for (const n of NAMES) {
    it(`prints a ${n.script} name as real text in a font that has it (no tofu)`, async () => {
      const pdf = await cardPdf(t.ctx, SYSTEM, cards.get(n.script) as string);
      const [front] = readPdf(pdf);
      if (!front) throw new Error('no front page');
      expect(front.notdef, `glyph 0 (.notdef) drawn in ${front.notdef.map((x) => x.font).join(', ')}`).toEqual([]);
      expect(front.fonts.some((f) => n.font.test(f)), front.fonts.join(', ')).toBe(true);
      if (n.rtl) {
        // Right-to-left words are stored in visual order; each word reads back intact.
        for (const word of n.name.split(' ')) expect(letters(front.text)).toContain(letters(word));
        expect(containsLetters(front.text, n.name)).toBe(true);
      } else {
        expect(letters(front.text)).toContain(letters(n.name));
      }
      if (hasPdftotext()) expect(letters(pdftotext(pdf, 1))).toContain(letters(n.name));
    });
  }

  it.skipIf(!hasDroidFallback())('a Chinese name is embedded as a subset TrueType font, not Type3 paths (fonts-droid-fallback)', async () => {
    const pdf = await cardPdf(t.ctx, SYSTEM, cards.get('Chinese') as string);
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/BaseFont\s*\/[A-Z]{6}\+DroidSansFallback/);
    expect(text).not.toMatch(/\/Subtype\s*\/Type3/);
    // The Latin names never needed Type3 either.
    expect((await cardPdf(t.ctx, SYSTEM, cards.get('Somali') as string)).toString('latin1')).not.toMatch(/\/Subtype\s*\/Type3/);
  });

  it('detects tofu: a character no installed font has is drawn as glyph 0 and does not read back', async () => {
    const doc = await cardHtml(t.ctx, {
      number: newCardNumber(),
      name: 'Test \uE000\uF8FF',
      birthDate: '1990-01-01',
      gender: 'x',
      veteran: false,
      variant: 'adult',
      issuedOn: '2026-01-01',
      expiresOn: '2030-01-01',
      photoJpeg: drawnPortrait(0),
      jws: 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA',
    });
    const [front] = readPdf(await printCard(t.ctx, doc));
    expect(front?.notdef.length).toBeGreaterThan(0);
    expect(containsLetters(front?.text ?? '', '\uE000\uF8FF')).toBe(false);
  });

  it('the printed QR code reads back and verifies: the card’s number, name, date of birth and expiry', async () => {
    const id = cards.get('Amharic (Ethiopic)') as string;
    const card = await t.ctx.db.kysely.selectFrom('id_cards').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const jws = await t.ctx.vault.open(card.holder_id, card.credential_sealed, { table: 'id_cards', column: 'credential_sealed', rowId: id });
    const number = await t.ctx.vault.open(card.holder_id, card.number_sealed, { table: 'id_cards', column: 'number_sealed', rowId: id });
    const html = await cardHtml(t.ctx, { number, name: NAMES[2].name, birthDate: '1972-03-12', gender: 'not-shown', veteran: false, variant: card.variant, issuedOn: card.issued_on, expiresOn: card.expires_on, photoJpeg: drawnPortrait(0), jws });
    // The style sheet went through JSX escaping unchanged (it has no character escaping would touch).
    expect(html).toContain(CSS);
    const images = [await cardBackPng(html)];
    if (hasPdftoppm()) images.push(pdfPagePng(await cardPdf(t.ctx, SYSTEM, id), 2, 300));
    for (const png of images) {
      const decoded = decodeQrImage(png);
      if (!decoded.ok) throw new Error(`QR not read: ${decoded.reason}`);
      expect(decoded.qr.text).toBe(jwsToShc(jws));
      const result = await issuerVerifier(t.ctx).verify(decoded.qr.text);
      expect(result.status).toBe('valid');
      expect(result.card).toEqual({ number, name: NAMES[2].name, dateOfBirth: '1972-03-12', expiresOn: card.expires_on });
    }
  });

  it('prints at least a few cards per second on the warm browser (the bench measures the figure)', async () => {
    const ids = [...cards.values()];
    await cardPdf(t.ctx, SYSTEM, ids[0] as string);
    const started = performance.now();
    await Promise.all(ids.map((id) => cardPdf(t.ctx, SYSTEM, id)));
    const perSecond = ids.length / ((performance.now() - started) / 1000);
    expect(perSecond).toBeGreaterThan(1);
  });
});
