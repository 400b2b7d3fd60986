import { parseArgs } from 'node:util';
import { allMigrations } from '../../app.ts';
import { ClockService } from '../../core/clocks/clocks.service.ts';
import { type Vault, openVault } from '../../core/crypto/vault.ts';
import { openDatabase } from '../../core/db/database.ts';
import { migrationPlan } from '../../core/db/migrator.ts';
import { loadJurisdiction } from '../../core/jurisdiction/index.ts';
import { createLogger } from '../../core/log.ts';
import { type Command, UsageError } from '../command.ts';

const HELP = `Deadline clocks (docs/clocks.md).

  sanctuary clocks status [--json]
      Open clocks by program and status, and how many were computed with an older jurisdiction
      profile (counts only).
  sanctuary clocks recompute [--stale] [--json]
      Recomputes every open clock with the current profile: run it after a profile update (a new
      holiday, a changed rule or time zone). Only clocks whose due date moves are written, each with a
      "recomputed" event in its history. --stale limits it to clocks computed with another profile
      (the reminder job does that by itself every 5 minutes).

Exit code 0 on success, 1 on failure, 2 on bad arguments.`;

export const clocksCommand: Command = {
  name: 'clocks',
  summary: 'Deadline clocks: status counts, recompute after a profile change',
  usage: 'sanctuary clocks status|recompute [--stale] [--json]',
  help: HELP,
  async run(args, { config, io }) {
    const { values, positionals } = parseArgs({
      args,
      options: { stale: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: true,
    });
    const [action, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument: ${extra}`);
    if (action !== 'status' && action !== 'recompute') throw new UsageError('say "status" or "recompute"');
    if (action === 'status' && values.stale) throw new UsageError('--stale goes with recompute');
    const cfg = config();
    const db = openDatabase(cfg.database);
    let vault: Vault | undefined;
    try {
      const pending = (await migrationPlan(db, allMigrations())).filter((m) => m.status === 'pending');
      if (pending.length > 0) {
        io.err(`The database has ${pending.length} pending migration(s); run "sanctuary migrate" first.`);
        return 1;
      }
      const jurisdiction = loadJurisdiction(cfg.jurisdiction);
      if (action === 'status') {
        const clocks = new ClockService({ db, now: () => new Date(), jurisdiction, log: createLogger({ level: 'warn' }) });
        const counts = await clocks.openCounts();
        if (values.json) io.out(JSON.stringify({ jurisdiction: jurisdiction.id, version: jurisdiction.version, open: counts }, null, 2));
        else {
          io.out(`Open clocks (profile ${jurisdiction.id} ${jurisdiction.version}):`);
          if (counts.length === 0) io.out('  none');
          for (const c of counts) io.out(`  ${c.owner}: ${c.count} ${c.status}${c.stale > 0 ? ` (${c.stale} computed with another profile)` : ''}`);
        }
        return 0;
      }
      // The vault opens the clocks that count from a date of birth (their exact dates are sealed).
      vault = await openVault(cfg, { db });
      const clocks = new ClockService({ db, now: () => new Date(), jurisdiction, log: createLogger({ level: 'warn' }), vault });
      io.err(`Recomputing ${values.stale ? 'stale' : 'all'} open clocks with profile ${jurisdiction.id} ${jurisdiction.version}…`);
      const report = values.stale ? await clocks.recomputeStale() : await clocks.recomputeAll();
      if (values.json) io.out(JSON.stringify(report));
      else io.out(`Recomputed ${report.scanned} open clock(s) in ${report.ms} ms: ${report.changed} due date(s) changed.`);
      return 0;
    } finally {
      await vault?.close();
      await db.close();
    }
  },
};
