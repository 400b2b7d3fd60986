#!/usr/bin/env node
// Translation gaps in the message catalogs (DESIGN.md §3 rule 10). Run by `npm run i18n:untranslated`.
//
//   node scripts/untranslated.js [--root <dir>] [--json]      (default: the repository root)
//
// Finds every catalog directory under <root>/src (a folder holding `en.json` at or below a `locales/` folder)
// and, for each non-English locale file beside it (es, so, hmn), lists:
//   - untranslated: keys whose value is still identical to English (engineers copy English in as a placeholder);
//   - missing:      keys English has and the locale file lacks;
//   - extra:        keys the locale file has and English lacks;
//   - review:       the `$review` note ("… awaiting review by a native speaker.") is absent.
// Keys starting with `$` are metadata and are not compared. A message that is legitimately the same in every
// language (a proper noun, a brand name, "ICE") is listed in the catalog's `"$untranslatable"` entry: in
// `en.json` it applies to every locale of that catalog, in a locale file to that locale only. The entry is
// either an array of keys or one string of keys separated by spaces or commas — use the string form in
// catalogs that TypeScript imports as `Record<string, string>`, where an array would not type-check.
// Messages with no letters outside `{placeholders}` (e.g. "{n}") need no translation and are skipped.
// Exits 1 if anything is listed, 2 on unreadable input, 0 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LOCALES = ['es', 'so', 'hmn'];
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const args = process.argv.slice(2);
const rootArg = args.indexOf('--root');
const root = rootArg >= 0 && args[rootArg + 1] ? path.resolve(args[rootArg + 1]) : ROOT;
const asJson = args.includes('--json');

/**
 * Catalog directories under `dir`, sorted: folders holding an en.json inside a `locales` folder, directly
 * (`part/locales/en.json`) or nested (`part/locales/<area>/en.json`). Skips node_modules and dot-dirs.
 */
function catalogDirs(dir) {
  const out = [];
  const walk = (d, inLocales) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || !entry.isDirectory()) continue;
      const p = path.join(d, entry.name);
      const locales = inLocales || entry.name === 'locales';
      if (locales && fs.existsSync(path.join(p, 'en.json'))) out.push(p);
      walk(p, locales);
    }
  };
  walk(dir, false);
  return out;
}

/** Reads a catalog file as an object; throws with the file name on bad JSON. */
function readCatalog(file) {
  let data;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${path.relative(root, file)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`${path.relative(root, file)}: not a JSON object`);
  }
  return data;
}

/** The keys named by a `$untranslatable` entry (array, or a string separated by spaces/commas). */
function untranslatableKeys(catalog) {
  const value = catalog.$untranslatable;
  if (Array.isArray(value)) return new Set(value.filter((k) => typeof k === 'string'));
  if (typeof value === 'string') return new Set(value.split(/[\s,]+/).filter(Boolean));
  return new Set();
}

/** Whether a message has any letter outside simple `{argument}` placeholders (else it needs no translation). */
function hasWords(message) {
  return typeof message !== 'string' || /\p{L}/u.test(message.replace(/\{\s*[\w-]+\s*\}/g, ''));
}

const messageKeys = (catalog) => Object.keys(catalog).filter((k) => !k.startsWith('$'));

const report = [];
let status = 0;
try {
  for (const dir of catalogDirs(path.join(root, 'src'))) {
    const en = readCatalog(path.join(dir, 'en.json'));
    const enKeys = messageKeys(en);
    const sameEverywhere = untranslatableKeys(en);
    for (const locale of LOCALES) {
      const file = path.join(dir, `${locale}.json`);
      const rel = path.relative(root, file);
      if (!fs.existsSync(file)) {
        report.push({ file: rel, absent: true, untranslated: [], missing: enKeys, extra: [], review: true });
        continue;
      }
      const catalog = readCatalog(file);
      const allowed = new Set([...sameEverywhere, ...untranslatableKeys(catalog)]);
      const untranslated = enKeys.filter(
        (k) => k in catalog && catalog[k] === en[k] && !allowed.has(k) && hasWords(en[k]),
      );
      const missing = enKeys.filter((k) => !(k in catalog));
      const extra = messageKeys(catalog).filter((k) => !(k in en));
      const review = typeof catalog.$review !== 'string' || !/native speaker/.test(catalog.$review);
      if (untranslated.length || missing.length || extra.length || review) {
        report.push({ file: rel, untranslated, missing, extra, review });
      }
    }
  }
} catch (err) {
  process.stderr.write(`untranslated: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}

if (asJson) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  for (const r of report) {
    process.stdout.write(`${r.file}${r.absent ? ' (file absent)' : ''}\n`);
    for (const [label, keys] of [['untranslated', r.untranslated], ['missing', r.missing], ['extra', r.extra]]) {
      if (keys.length) process.stdout.write(`  ${label} (${keys.length}): ${keys.join(', ')}\n`);
    }
    if (r.review && !r.absent) process.stdout.write('  review: no "$review" note saying it awaits a native speaker\n');
  }
  const count = (field) => report.reduce((n, r) => n + r[field].length, 0);
  process.stdout.write(
    report.length === 0
      ? 'untranslated: every catalog is translated\n'
      : `untranslated: ${count('untranslated')} untranslated, ${count('missing')} missing, ${count('extra')} extra in ${report.length} file(s)\n`,
  );
}
if (report.length > 0) status = 1;
process.exitCode = status;
