import { describe, expect, it } from 'vitest';
import { coreCatalogSets } from '../core-module.ts';
import { type Locale, Messages } from '../i18n/index.ts';
import { BarChart } from './bar-chart.tsx';
import { textWidth } from './chart-text.ts';
import { ErrorSummary, FormGroup, Table } from './components.tsx';
import { completeErrorSummary } from './error-summary.ts';
import { Layout } from './layout.tsx';
import { LineChart } from './line-chart.tsx';
import { renderDocument } from './render.ts';
import type { ViewContext } from './view-context.ts';

const messages = new Messages(coreCatalogSets);

function viewContext(locale: Locale = 'en', staff = false): ViewContext {
  return {
    locale,
    t: messages.translator(locale),
    path: '/staff/legal-defense/intake',
    offeredLocales: ['en', 'es', 'so', 'hmn'],
    cityName: 'Testville',
    demo: false,
    csrfToken: 'token',
    staff: staff ? { displayName: 'Ana', roles: ['x'], nav: [{ href: '/staff', labelKey: 'staff.nav.home' }, { href: '/staff/legal-defense', labelKey: 'layout.home' }] } : undefined,
  };
}

/** The entries of the error summary as text (tags dropped), in order. */
function summaryEntries(html: string): string[] {
  const summary = /<div[^>]*id="error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a [^>]*href="(#[^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => `${m[1]} ${m[2]}`);
}

describe('ErrorSummary', () => {
  const required = (field: string) => ({ field, key: 'form.error.required' });

  it('names each field by its label on the page, links to it and takes the focus', async () => {
    const ctx = viewContext();
    const html = await renderDocument(
      <Layout ctx={ctx} title="Form">
        <ErrorSummary ctx={ctx} errors={[required('familyName'), { field: 'born', key: 'form.error.invalid' }, required('where'), required('consent')]} />
        <form>
          <input id="field-first" autofocus />
          <FormGroup name="familyName" label="Last name" error="Answer this question" />
          <FormGroup name="born" label="Date of birth:" />
          <FormGroup name="where" label="Where was the person taken?" asHeading />
          <FormGroup name="consent" type="radio" label="May we write to you?" choices={[{ value: 'yes', label: 'Yes' }]} />
        </form>
      </Layout>,
    );
    expect(summaryEntries(html)).toEqual([
      '#field-familyName Last name: Answer this question',
      '#field-born Date of birth: Check this answer',
      '#field-where Where was the person taken? Answer this question',
      '#field-consent May we write to you? Answer this question',
    ]);
    expect(html).not.toContain('data-summary-entry');
    // The summary has the focus on arrival; the field that asked for it no longer does.
    expect(html).toMatch(/<div class="usa-alert usa-alert--error sanctuary-error-summary" role="alert" tabindex="-1" id="error-summary" autofocus="">/);
    expect(html.match(/\sautofocus/g)).toHaveLength(1);
    expect(html).toContain('<input id="field-first"/>');
  });

  it('uses labels it is given, in the page language', async () => {
    const ctx = viewContext('es');
    const html = await renderDocument(<ErrorSummary ctx={ctx} errors={[required('zip')]} labels={{ zip: 'Código postal' }} />);
    expect(summaryEntries(html)).toEqual(['#field-zip Código postal: Responda esta pregunta']);
  });

  it('numbers repeated messages whose fields have no label on the page', async () => {
    const ctx = viewContext();
    const html = await renderDocument(
      <main>
        <ErrorSummary ctx={ctx} errors={[required('a'), required('b'), { field: 'c', key: 'form.error.invalid' }]} />
      </main>,
    );
    expect(summaryEntries(html)).toEqual(['#field-a Answer this question (1 of 2)', '#field-b Answer this question (2 of 2)', '#field-c Check this answer']);
  });

  it('leaves a page without an error summary as it is, autofocus included', () => {
    const page = '<!doctype html><html><body><input id="q" autofocus=""><p title="no autofocus here">x</p></body></html>';
    expect(completeErrorSummary(page)).toBe(page);
  });

  it('removes only the autofocus attribute, not the word in another attribute', () => {
    const page = '<div id="error-summary" autofocus=""></div><input title="set autofocus now" autofocus="" class="a b"/>';
    expect(completeErrorSummary(page)).toBe('<div id="error-summary" autofocus=""></div><input title="set autofocus now" class="a b"/>');
  });
});

describe('Table', () => {
  it('is a focusable region named by its caption, which scrolls sideways', async () => {
    const html = await renderDocument(<Table caption="Open requests" headers={['Reference', 'Due']} rows={[['A', '1']]} />);
    expect(html).toContain('<div class="usa-table-container--scrollable sanctuary-table-scroll" role="region" aria-label="Open requests" tabindex="0">');
    expect(html).toContain('<caption>Open requests</caption>');
  });
});

describe('Layout', () => {
  it('gives staff a plain menu (no USWDS usa-nav, which is hidden on a phone without JavaScript)', async () => {
    const ctx = viewContext('en', true);
    const html = await renderDocument(<Layout ctx={ctx} title="Intake" />);
    expect(html).not.toContain('usa-nav');
    expect(html).toMatch(/<nav aria-label="Staff menu" class="sanctuary-staff-nav">/);
    expect(html).toContain('<a href="/staff" class="usa-link sanctuary-staff-nav__link">');
    // The page is under /staff/legal-defense: that entry is the current section, the staff home is not.
    expect(html).toContain('<a href="/staff/legal-defense" class="usa-link sanctuary-staff-nav__link" aria-current="true">');
    const home = await renderDocument(<Layout ctx={{ ...ctx, path: '/staff?page=2' }} title="Staff" />);
    expect(home).toContain('<a href="/staff" class="usa-link sanctuary-staff-nav__link" aria-current="page">');
    expect(home).toContain('<a href="/staff/legal-defense" class="usa-link sanctuary-staff-nav__link">');
    expect(html.match(/button[^>]*sanctuary-signout/g)).toHaveLength(1);
  });

  it('has no staff menu for the public', async () => {
    const html = await renderDocument(<Layout ctx={viewContext()} title="Home" />);
    expect(html).not.toContain('sanctuary-staff-nav');
    expect(html).toContain('nav class="sanctuary-languages"');
  });
});

/** The x axis labels of a rendered chart: centre and lines. */
function axisLabels(html: string): Array<{ x: number; lines: string[] }> {
  return [...html.matchAll(/<text class="sanctuary-chart__label" x="([\d.]+)"[^>]*>([\s\S]*?)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    lines: [...(m[2] ?? '').matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((l) => l[1] ?? ''),
  }));
}

/** Fails when two neighbouring labels' widest lines (as estimated) would touch. */
function expectNoOverlap(labels: Array<{ x: number; lines: string[] }>): void {
  for (let i = 1; i < labels.length; i++) {
    const a = labels[i - 1];
    const b = labels[i];
    if (!a || !b) continue;
    const half = (l: { lines: string[] }) => Math.max(...l.lines.map((line) => textWidth(line))) / 2;
    expect(b.x - a.x, `${a.lines.join(' ')} / ${b.lines.join(' ')}`).toBeGreaterThanOrEqual(half(a) + half(b) + 4);
  }
}

describe('BarChart', () => {
  it('wraps long quarter labels so they never overlap, in a labelled scrolling region, with 12px text', async () => {
    const ctx = viewContext('hmn');
    const groups = Array.from({ length: 12 }, (_, i) => ({
      label: `Peb lub hlis ${(i % 4) + 1} ${2023 + Math.floor(i / 4)}`,
      bars: [
        { cell: { suppressed: false as const, value: i * 3 }, title: 'a' },
        { cell: { suppressed: true as const, reason: 'primary' as const }, title: 'b' },
      ],
    }));
    const html = await renderDocument(
      <BarChart ctx={ctx} id="c" title="Chart title" desc="d" caption="c" hiddenMark="–" groups={groups} series={['Cov neeg raug qhia', 'Tau kws lij choj']} size={{ height: 250, bottom: 60, left: 44, group: 60, gap: 2, legend: 120 }} />,
    );
    expect(html).toContain('<div class="sanctuary-chart__scroll" role="region" aria-label="Chart title" tabindex="0">');
    const labels = axisLabels(html);
    expect(labels).toHaveLength(12);
    expect(labels[0]?.lines.join(' ')).toBe('Peb lub hlis 1 2023');
    expect(labels[0]?.lines.length).toBeGreaterThan(1);
    expectNoOverlap(labels);
    // Every text is 12 units, and the drawing holds every label line (it grew taller rather than clip).
    expect(html).not.toMatch(/font-size="(?!12")/);
    const height = Number(/<svg[^>]*height="(\d+)"/.exec(html)?.[1]);
    const lowest = Math.max(...[...html.matchAll(/<text[^>]*y="([\d.]+)"/g)].map((m) => Number(m[1])));
    expect(lowest).toBeLessThan(height);
    // The legend's two entries do not run into each other.
    const legend = [...html.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="12" height="12"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(legend).toHaveLength(2);
    if (legend[0]?.y === legend[1]?.y) expect((legend[1]?.x ?? 0) - (legend[0]?.x ?? 0)).toBeGreaterThanOrEqual(16 + textWidth('Cov neeg raug qhia'));
  });
});

describe('LineChart', () => {
  it('labels only some ticks when their words cannot fit between them, and keeps the rest as tick marks', async () => {
    const ticks = Array.from({ length: 24 }, (_, i) => ({ x: i * 10, label: `Lub ${i + 1} Ntuj ${2020 + i}` }));
    const html = await renderDocument(<LineChart id="l" title="Balance" desc="d" caption="c" series={[{ label: 's', points: [{ x: 0, y: 1, title: 'p' }] }]} xMax={230} yMax={10} xTicks={ticks} yFormat={(v) => `$${v}`} />);
    const labels = axisLabels(html);
    expect(labels.length).toBeGreaterThan(1);
    expect(labels.length).toBeLessThan(24);
    expectNoOverlap(labels);
    expect(html.match(/<line x1="[\d.]+" x2="[\d.]+" y1="\d+" y2="\d+" stroke="#565c65"><\/line>/g)?.length).toBe(24 + 1);
    expect(Math.max(...labels.map((l) => l.lines.length))).toBeLessThanOrEqual(2);
    expect(html).toContain('role="region" aria-label="Balance" tabindex="0"');
  });
});
