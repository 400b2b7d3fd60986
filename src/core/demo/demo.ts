import type { AppContext } from '../modules/context.ts';
import { MODULES } from '../../modules/index.ts';

/**
 * Seeds demo data into a database that this start created — never into an existing one, and never when
 * DEMO=false — then prints how to sign in.
 */
export async function seedDemoIfNew(ctx: AppContext, options: { fresh: boolean; print: (line: string) => void }): Promise<boolean> {
  if (!ctx.config.demo || !options.fresh) return false;
  await seedDemo(ctx, options.print);
  return true;
}

/** Seeds every module's demo data (used by `sanctuary demo seed` as well). */
export async function seedDemo(ctx: AppContext, print: (line: string) => void): Promise<void> {
  for (const m of MODULES) await m.seedDemo?.(ctx);
  print('Demo data created.');
}
