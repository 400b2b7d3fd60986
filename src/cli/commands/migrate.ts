import { parseArgs } from 'node:util';
import { allMigrations } from '../../app.ts';
import { openDatabase } from '../../core/db/database.ts';
import { migrateToLatest, migrationPlan } from '../../core/db/migrator.ts';
import type { Command } from '../command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations (--dry-run prints the plan)',
  usage: 'sanctuary migrate [--dry-run]',
  help: 'Safe to run from several instances at once: a lock makes each migration run exactly once.',
  async run(args, { config, io }) {
    const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean', default: false } }, strict: true });
    const db = openDatabase(config().database);
    try {
      const migrations = allMigrations();
      if (values['dry-run']) {
        const plan = await migrationPlan(db, migrations);
        const pending = plan.filter((p) => p.status === 'pending');
        for (const p of plan) io.out(`${p.status === 'pending' ? 'pending' : 'applied'}  ${p.name}`);
        io.out(`${pending.length} pending, ${plan.length - pending.length} applied (dry run: nothing changed)`);
        return 0;
      }
      const applied = await migrateToLatest(db, migrations);
      for (const name of applied) io.out(`applied  ${name}`);
      io.out(applied.length === 0 ? 'Database is up to date.' : `${applied.length} migration(s) applied.`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
