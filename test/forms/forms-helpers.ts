import type { AppContext } from '../../src/core/modules/context.ts';

/** The text of the reference (or resume) code shown on a page, as `XXXX-XXXX-XX`. */
export function shownCode(html: string): string {
  const m = /<p class="sanctuary-reference"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  if (!m) throw new Error('no code on the page');
  return (m[1] ?? '').replace(/<[^>]+>/g, '');
}

/** HTML-escapes a message the way the views do, to find it in a page. */
export function escaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export async function countRows(ctx: AppContext, table: 'form_drafts' | 'office_requests'): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A clock tests can move. */
export function movableClock(start = new Date('2026-11-27T15:00:00.000Z')) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}
