/**
 * How a person's name is marked up wherever it is printed or shown: its writing direction and, where the
 * script says it, a language tag — so Chromium picks the right shaping, bidi and font (a Han name tagged `zh`
 * gets Chinese glyph forms from Noto Sans CJK; an Arabic name is laid out right to left inside a left-to-right
 * card), and a screen reader does not read it as English.
 *
 * We do not know a name's language, only its script. So the tag is `und-<Script>` (BCP 47 "undetermined
 * language, this script"), except for scripts that point at one language for font selection (Hangul → `ko`,
 * kana → `ja`, Han alone → `zh`).
 */

/** The `lang` and `dir` to put on the element that holds a name. */
export interface NameMarkup {
  lang: string;
  dir: 'ltr' | 'rtl';
}

const SCRIPTS: ReadonlyArray<{ test: RegExp; lang: string; rtl?: true }> = [
  { test: /\p{Script=Arabic}/u, lang: 'und-Arab', rtl: true },
  { test: /\p{Script=Hebrew}/u, lang: 'und-Hebr', rtl: true },
  { test: /\p{Script=Syriac}/u, lang: 'und-Syrc', rtl: true },
  { test: /\p{Script=Thaana}/u, lang: 'und-Thaa', rtl: true },
  { test: /\p{Script=Nko}/u, lang: 'und-Nkoo', rtl: true },
  { test: /\p{Script=Adlam}/u, lang: 'und-Adlm', rtl: true },
  { test: /\p{Script=Hangul}/u, lang: 'ko' },
  { test: /[\p{Script=Hiragana}\p{Script=Katakana}]/u, lang: 'ja' },
  { test: /\p{Script=Han}/u, lang: 'zh' },
  { test: /\p{Script=Ethiopic}/u, lang: 'und-Ethi' },
  { test: /\p{Script=Myanmar}/u, lang: 'und-Mymr' },
  { test: /\p{Script=Khmer}/u, lang: 'und-Khmr' },
  { test: /\p{Script=Lao}/u, lang: 'und-Laoo' },
  { test: /\p{Script=Thai}/u, lang: 'und-Thai' },
  { test: /\p{Script=Devanagari}/u, lang: 'und-Deva' },
  { test: /\p{Script=Bengali}/u, lang: 'und-Beng' },
  { test: /\p{Script=Tamil}/u, lang: 'und-Taml' },
  { test: /\p{Script=Cyrillic}/u, lang: 'und-Cyrl' },
  { test: /\p{Script=Greek}/u, lang: 'und-Grek' },
  { test: /\p{Script=Pahawh_Hmong}/u, lang: 'hmn' },
];

/** The direction of a name: that of its first strong character's script. */
export function nameMarkup(name: string): NameMarkup {
  // Japanese names mix kanji and kana; a kanji first must not make them Chinese.
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(name)) return { lang: 'ja', dir: 'ltr' };
  for (const ch of name) {
    const script = SCRIPTS.find((s) => s.test.test(ch));
    if (script) return { lang: script.lang, dir: script.rtl ? 'rtl' : 'ltr' };
    if (/\p{L}/u.test(ch)) return { lang: 'und-Latn', dir: 'ltr' };
  }
  return { lang: 'und', dir: 'ltr' };
}
