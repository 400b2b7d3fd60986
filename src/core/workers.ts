/**
 * Worker threads for CPU work that would otherwise hold the event loop (today: the scan and arithmetic of a
 * clock recomputation, `core/clocks/recompute-worker.ts`).
 *
 * A worker is a module beside its caller. The built service (`dist/`) starts the compiled `.js`; run from the
 * TypeScript sources (tests, `tsx`) the worker first registers the `tsx` loader in its own thread — loader
 * hooks of the main thread do not reach a worker — and then imports the `.ts` module.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The ES module of tsx's loader API, by the export map of its package (a data: module resolves no bare name). */
function tsxLoaderUrl(callerUrl: string): string {
  const manifestPath = createRequire(callerUrl).resolve('tsx/package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const entry = manifest.exports['./esm/api']?.import.default;
  if (!entry) throw new Error('tsx has no ./esm/api export: cannot start a worker from the TypeScript sources');
  return pathToFileURL(path.join(path.dirname(manifestPath), entry)).href;
}

/**
 * Starts the worker module `name` that sits beside the module at `callerUrl` (its `import.meta.url`).
 * @param workerData  structured-cloneable data the worker reads from `workerData`
 */
export function startWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  const fromSources = callerUrl.endsWith('.ts');
  const target = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, callerUrl);
  if (!fromSources) return new Worker(target, { workerData });
  const boot = `const { register } = await import(${JSON.stringify(tsxLoaderUrl(callerUrl))});
register();
await import(${JSON.stringify(target.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
}
