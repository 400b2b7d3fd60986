import { parseArgs } from 'node:util';
import { allMigrations, buildApp } from '../../app.ts';
import { openDatabase } from '../../core/db/database.ts';
import { migrationPlan } from '../../core/db/migrator.ts';
import { createLogger } from '../../core/log.ts';
import { type Command, UsageError, progress } from '../command.ts';

const HELP = `Deletes every record whose retention period is over, policy by policy, in batches.
Records under a legal hold (a recorded, counsel-approved court order) are skipped and counted.
Each policy's run leaves a receipt (counts only) and an audit entry. The service runs the same purge
every night; this command is for operators (and for checking the schedule with --dry-run).

Options:
  --dry-run        count what would be deleted per record type; delete nothing
  --only <types>   comma-separated record types (e.g. core.jobs,clinics.appointment)
  --json           print the report as JSON

Exit code 0 when every policy ran, 1 when any failed (the others still ran), 2 on bad arguments.`;

export const purgeCommand: Command = {
  name: 'purge',
  summary: 'Apply the retention schedule now (--dry-run counts what would be deleted)',
  usage: 'sanctuary purge [--dry-run] [--only type,...] [--json]',
  help: HELP,
  async run(args, { config, io }) {
    const { values, positionals } = parseArgs({
      args,
      options: { 'dry-run': { type: 'boolean', default: false }, only: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const cfg = config();
    const db = openDatabase(cfg.database);
    try {
      const pending = (await migrationPlan(db, allMigrations())).filter((m) => m.status === 'pending');
      if (pending.length > 0) {
        io.err(`The database has ${pending.length} pending migration(s); run "sanctuary migrate" first.`);
        return 1;
      }
      const built = await buildApp({ config: cfg, db, migrate: false, logger: createLogger({ level: 'warn' }) });
      const { ctx } = built;
      try {
        const known = ctx.retention.registry.list().map((p) => p.recordType);
        const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = only?.filter((o) => !known.includes(o)) ?? [];
        if (unknown.length > 0) throw new UsageError(`unknown record type(s): ${unknown.join(', ')} (known: ${known.join(', ')})`);
        const dry = await ctx.retention.purge({ dryRun: true, only });
        if (values['dry-run']) {
          if (values.json) io.out(JSON.stringify(dry, null, 2));
          else {
            io.out('Dry run: nothing deleted.');
            for (const r of dry.results) {
              const policy = ctx.retention.registry.get(r.recordType);
              const what = policy ? ctx.messages.format('en', policy.descriptionKey) : '';
              io.out(
                r.error
                  ? `  ${r.recordType}: FAILED (${r.error})`
                  : `  ${r.recordType}: ${r.deleted} would be deleted, ${r.held} held (kept ${r.days} days; due before ${r.cutoff})${what && what !== policy?.descriptionKey ? ` — ${what}` : ''}`,
              );
            }
          }
          return dry.ok ? 0 : 1;
        }
        const total = dry.results.reduce((n, r) => n + r.deleted, 0);
        const bar = progress(io, 'Purging expired records', total);
        const reached = new Map<string, number>();
        let shown = 0;
        const report = await ctx.retention.purge({
          trigger: 'operator',
          only,
          onProgress: (type, deleted) => {
            reached.set(type, deleted);
            const sum = [...reached.values()].reduce((a, b) => a + b, 0);
            bar.tick(Math.max(0, sum - shown));
            shown = Math.max(shown, sum);
          },
        });
        bar.done();
        if (values.json) io.out(JSON.stringify(report, null, 2));
        else {
          for (const r of report.results) {
            io.out(r.error ? `  ${r.recordType}: FAILED (${r.error}) after ${r.deleted} deleted` : `  ${r.recordType}: ${r.deleted} deleted, ${r.held} held, ${r.subjectsForgotten} people forgotten`);
          }
          io.out(`Purge run ${report.runId}: receipts written and audit-logged.`);
        }
        return report.ok ? 0 : 1;
      } finally {
        await built.close();
      }
    } finally {
      await db.close();
    }
  },
};
