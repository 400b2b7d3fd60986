#!/usr/bin/env node
// The `sanctuary` command. TypeScript sources run directly through tsx's loader, so a fresh clone needs no
// build step; the loader caches compiled files between runs.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
