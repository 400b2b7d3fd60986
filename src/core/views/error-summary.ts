/**
 * The finishing touches `renderDocument` gives a page with an error summary (components.tsx `ErrorSummary`):
 *
 * - each entry gets its field's label, read from the rendered page: `FormGroup` (and the guided forms' fields)
 *   give a field the id `field-<name>` and either a `<label for="field-<name>">` or a
 *   `<fieldset id="field-<name>"><legend>`, which is where the summary links. Reading the page means every caller
 *   of `ErrorSummary` gets labels without passing them; a field the page does not label keeps its message alone.
 * - the summary is the only element with `autofocus`, so a page that focuses its first field on arrival does not
 *   take the focus from the summary after a failed POST.
 *
 * Only our own markup is read (hono escapes `<`, `>`, `&` and quotes in text and attributes, and quotes every
 * attribute value with `"`), so a start tag is `<name attr="…" …>` with no `<` or `>` inside, and text never
 * contains `<`.
 */

/** Where the label goes in an entry's template: a private-use character, in no translation and no answer. */
export const LABEL_SLOT = '\uE000';

/** A label as the entry shows it: without the colon some labels end with, and without spare space. */
export function trimLabel(label: string): string {
  return label.replace(/\s+/g, ' ').trim().replace(/\s*:$/, '');
}

/** Whether a label already ends with punctuation of its own (a question), so the entry adds no colon. */
export function endsPunctuated(label: string): boolean {
  return /[?!.…؟]$/.test(label);
}

const ENTRY = /<a class="usa-link" href="#([^"]*)" data-summary-entry="([^"]*)" data-summary-entry-punctuated="([^"]*)">([^<]*)<\/a>/g;

const LABEL = /<label\b[^<>]*\sfor="([^"]*)"[^<>]*>([\s\S]*?)<\/label>/g;
const LEGEND = /<fieldset\b[^<>]*\sid="([^"]*)"[^<>]*>\s*<legend\b[^<>]*>([\s\S]*?)<\/legend>/g;

/** Every field's label on the page, by the field's id: the visible text (still HTML-escaped), first one wins. */
function labelsOf(html: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const m of [...html.matchAll(LABEL), ...html.matchAll(LEGEND)]) {
    const id = m[1] ?? '';
    const text = trimLabel((m[2] ?? '').replace(/<[^<>]*>/g, ' '));
    if (text !== '' && !labels.has(id)) labels.set(id, text);
  }
  return labels;
}

const START_TAG = /<[a-zA-Z][\w-]*\s[^<>]*>/g;
/** One attribute of a start tag, with the space before it: `name="value"` or a bare `name`. */
const ATTRIBUTE = /\s[^\s"<>/=]+="[^"]*"|\s[^\s"<>/=]+/g;

function attributeName(attribute: string): string {
  return attribute.trim().split('=')[0] ?? '';
}

/** Removes `autofocus` from every start tag but the error summary's. */
function summaryTakesFocus(html: string): string {
  return html.replace(START_TAG, (tag) => {
    if (!tag.includes('autofocus')) return tag;
    // Attribute by attribute, so the word inside some other attribute's value is left alone.
    const attributes: readonly string[] = tag.match(ATTRIBUTE) ?? [];
    if (!attributes.some((a) => attributeName(a) === 'autofocus') || attributes.includes(' id="error-summary"')) return tag;
    return tag.replace(ATTRIBUTE, (a) => (attributeName(a) === 'autofocus' ? '' : a));
  });
}

/**
 * Gives the entries of a page's error summary their fields' labels and leaves the summary the only element with
 * `autofocus`. A page without an error summary is returned as it is.
 */
export function completeErrorSummary(html: string): string {
  if (!html.includes('id="error-summary"')) return html;
  const labels = html.includes(' data-summary-entry=') ? labelsOf(html) : new Map<string, string>();
  const labelled = html.replace(ENTRY, (_whole, href: string, plain: string, punctuated: string, fallback: string) => {
    const label = labels.get(href);
    const text = label === undefined ? fallback : (endsPunctuated(label) ? punctuated : plain).replace(LABEL_SLOT, label);
    return `<a class="usa-link" href="#${href}">${text}</a>`;
  });
  return summaryTakesFocus(labelled);
}
