import type { Child } from 'hono/jsx';

/** Renders a JSX tree to a complete HTML document string. */
export async function renderDocument(node: Child): Promise<string> {
  const html = await Promise.resolve(node === null || node === undefined ? '' : (node as { toString(): string | Promise<string> }).toString());
  return `<!doctype html>${html}`;
}
