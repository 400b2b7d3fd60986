import fs from 'node:fs';
import path from 'node:path';
import { type MessageFormatElement, TYPE, parse } from '@formatjs/icu-messageformat-parser';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { coreCatalogSets } from '../../src/core/core-module.ts';
import { LOCALES } from '../../src/core/i18n/locales.ts';
import { type CatalogSet, messagesOf } from '../../src/core/i18n/messages.ts';
import { MODULES } from '../../src/modules/index.ts';

const sets: Array<{ owner: string; catalogs: CatalogSet }> = [
  ...coreCatalogSets,
  ...MODULES.map((m) => ({ owner: m.id, catalogs: m.catalogs })),
];

/** The ICU arguments of a message with their kinds, e.g. `n:plural`, `city:string`. */
function argumentsOf(message: string): string[] {
  const out = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      switch (el.type) {
        case TYPE.argument:
          out.add(`${el.value}:string`);
          break;
        case TYPE.number:
        case TYPE.date:
        case TYPE.time:
          out.add(`${el.value}:${TYPE[el.type]}`);
          break;
        case TYPE.plural:
        case TYPE.select:
          out.add(`${el.value}:${el.type === TYPE.plural ? 'plural' : 'select'}`);
          for (const option of Object.values(el.options)) walk(option.value);
          break;
        case TYPE.tag:
          out.add(`<${el.value}>`);
          walk(el.children);
          break;
        default:
          break;
      }
    }
  };
  walk(parse(message));
  return [...out].sort();
}

describe('message catalogs', () => {
  it('exist for core and every module', () => {
    expect(sets.length).toBeGreaterThan(0);
  });

  for (const { owner, catalogs } of sets) {
    describe(owner, () => {
      const english = messagesOf(catalogs.en);
      for (const locale of LOCALES) {
        it(`${locale}: has every key, and only known keys, with the same ICU arguments`, () => {
          const catalog = messagesOf(catalogs[locale]);
          const missing = Object.keys(english).filter((k) => !(k in catalog));
          const extra = Object.keys(catalog).filter((k) => !(k in english));
          expect(missing, `${owner}/${locale} is missing keys`).toEqual([]);
          expect(extra, `${owner}/${locale} has keys English lacks`).toEqual([]);
          const mismatched = Object.keys(english).filter(
            (k) => JSON.stringify(argumentsOf(english[k] ?? '')) !== JSON.stringify(argumentsOf(catalog[k] ?? '')),
          );
          expect(mismatched, `${owner}/${locale} messages whose ICU arguments differ from English`).toEqual([]);
        });
      }
      it('marks translations as awaiting review by a native speaker', () => {
        for (const locale of LOCALES.filter((l) => l !== 'en')) {
          expect(catalogs[locale].$review, `${owner}/${locale}`).toMatch(/native speaker/);
        }
      });
    });
  }
});

/** Every .tsx file under src/. */
function viewFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return viewFiles(p);
    return p.endsWith('.tsx') && !p.endsWith('.test.tsx') ? [p] : [];
  });
}

const VISIBLE_ATTRIBUTES = new Set(['title', 'aria-label', 'alt', 'placeholder', 'aria-description', 'label']);

describe('views', () => {
  it('contain no hard-coded visible text (everything goes through the catalogs)', () => {
    const findings: string[] = [];
    for (const file of viewFiles(path.resolve('src'))) {
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
      const visit = (node: ts.Node) => {
        if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          findings.push(`${path.relative('.', file)}:${line + 1} text "${node.text.trim()}"`);
        }
        if (ts.isJsxAttribute(node) && VISIBLE_ATTRIBUTES.has(node.name.getText()) && node.initializer && ts.isStringLiteral(node.initializer)) {
          if (/\p{L}/u.test(node.initializer.text)) {
            const { line } = source.getLineAndCharacterOfPosition(node.getStart());
            findings.push(`${path.relative('.', file)}:${line + 1} ${node.name.getText()}="${node.initializer.text}"`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(findings).toEqual([]);
  });
});
