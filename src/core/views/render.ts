import type { Child } from 'hono/jsx';
import { jsx } from 'hono/jsx/jsx-runtime';
import { completeErrorSummary } from './error-summary.ts';

/**
 * hono/jsx keeps each render's JSX context in an `AsyncLocalStorage` when it finds one (it looks once, at the
 * first render). On Node 20 and 22 a used `AsyncLocalStorage` turns on async hooks for every promise of the
 * process — about a tenth of the CPU of serving a page, and a cost on every database call too. Our views read no
 * JSX context across an `await` (they use none), so the first render is made here with the lookup hidden:
 * hono then keeps the context for the synchronous part of each render, which is all the views need.
 */
function renderWithoutAsyncStorage(): void {
  const proc = process as { getBuiltinModule?: unknown };
  const lookup = proc.getBuiltinModule;
  proc.getBuiltinModule = undefined;
  try {
    String(jsx('i', {}));
  } finally {
    proc.getBuiltinModule = lookup;
  }
}
renderWithoutAsyncStorage();

/**
 * Renders a JSX tree to a complete HTML document string. A page with an error summary gets its fields' labels in
 * the summary and keeps the focus on it (./error-summary.ts).
 */
export async function renderDocument(node: Child): Promise<string> {
  const html = await Promise.resolve(node === null || node === undefined ? '' : (node as { toString(): string | Promise<string> }).toString());
  return `<!doctype html>${completeErrorSummary(html)}`;
}
