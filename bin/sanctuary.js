#!/usr/bin/env node
// The `sanctuary` command. TypeScript sources run directly through tsx's loader, so a fresh clone needs no
// build step; the loader caches compiled files between runs.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
