import { demoCredentialLines, seedDemoStaff } from '../auth/demo-staff.ts';
import type { AppContext } from '../modules/context.ts';
import type { SanctuaryModule } from '../modules/module.ts';

/**
 * Seeds demo data into a database that this start created — never into an existing one, and never when
 * DEMO=false — then prints how to sign in.
 */
export async function seedDemoIfNew(
  ctx: AppContext,
  options: { fresh: boolean; print: (line: string) => void; modules: readonly SanctuaryModule[] },
): Promise<boolean> {
  if (!ctx.config.demo || !options.fresh) return false;
  await seedDemo(ctx, options.modules, options.print);
  return true;
}

/**
 * Seeds every module's demo data (used by `sanctuary demo seed` as well). The composition root passes the
 * modules in: core never imports `src/modules` (DESIGN.md §4, checked by scripts/check-boundaries.js).
 */
export async function seedDemo(
  ctx: AppContext,
  modules: readonly SanctuaryModule[],
  print: (line: string) => void,
  options: { force?: boolean } = {},
): Promise<void> {
  // Staff first: module demo data may refer to staff accounts.
  const credentials = await seedDemoStaff(ctx, { force: options.force });
  for (const m of modules) await m.seedDemo?.(ctx);
  print('Demo data created.');
  for (const line of demoCredentialLines(ctx.config.baseUrl, credentials)) print(line);
}
