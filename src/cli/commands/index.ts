import type { Command } from '../command.ts';
import { auditCommand } from './audit.ts';
import { backupCommand, restoreCommand } from './backup.ts';
import { clocksCommand } from './clocks.ts';
import { demoCommand } from './demo.ts';
import { idCommand } from './id.ts';
import { keysCommand } from './keys.ts';
import { migrateCommand } from './migrate.ts';
import { purgeCommand } from './purge.ts';
import { serveCommand } from './serve.ts';
import { tokensCommand } from './tokens.ts';
import { usersCommand } from './users.ts';

/** Every `sanctuary` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [serveCommand, migrateCommand, usersCommand, tokensCommand, auditCommand, purgeCommand, clocksCommand, backupCommand, restoreCommand, keysCommand, idCommand, demoCommand];
