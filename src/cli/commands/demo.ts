import { parseArgs } from 'node:util';
import { buildApp } from '../../app.ts';
import { demoCode, hasStaffAccounts } from '../../core/auth/demo-staff.ts';
import { seedDemo } from '../../core/demo/demo.ts';
import { AppError } from '../../core/http/errors.ts';
import { createLogger } from '../../core/log.ts';
import { MODULES } from '../../modules/index.ts';
import { type Command, UsageError } from '../command.ts';

const HELP = `Subcommands:
  seed      Create the demo data and one demo staff account per role (<role>@demo.sanctuary.example),
            and print their passwords and TOTP secrets. Migrates the database first.
              --force   also on a database that already has staff accounts: existing demo accounts get
                        new credentials (their sessions end); other accounts are not touched, and each
                        module adds its demo data again
  code      Print the current authenticator code of a demo account (instead of an authenticator app).
              --email <address>

Both refuse unless DEMO is on (DEMO=true, the default outside NODE_ENV=production): demo accounts have
printed credentials, and demo admins and counsel may use a code where a passkey is normally required.
"npm start" seeds a new demo database by itself; this command is for an existing one.`;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Demo data and demo staff accounts: seed, code (only while DEMO is on)',
  usage: 'sanctuary demo <seed [--force] | code --email <address>>',
  help: HELP,
  async run(args, { config, io }) {
    const [sub, ...rest] = args;
    if (sub !== 'seed' && sub !== 'code') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is required');
    const { values } = parseArgs({
      args: rest,
      options: sub === 'seed' ? { force: { type: 'boolean', default: false } } : { email: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    const cfg = config();
    if (!cfg.demo) {
      io.err(`sanctuary demo ${sub}: DEMO is off; demo accounts are only for demonstration instances (set DEMO=true).`);
      return 1;
    }
    if (sub === 'code' && typeof values.email !== 'string') throw new UsageError('--email is required');
    const built = await buildApp({ config: cfg, modules: MODULES, migrate: sub === 'seed', logger: createLogger({ level: 'silent' }) });
    try {
      if (sub === 'code') {
        io.out(await demoCode(built.ctx, String(values.email)));
        return 0;
      }
      if (!values.force && (await hasStaffAccounts(built.ctx))) {
        io.err('sanctuary demo seed: this database already has staff accounts; nothing was changed. Use --force to seed anyway.');
        return 1;
      }
      await seedDemo(built.ctx, MODULES, (line) => io.out(line), { force: Boolean(values.force) });
      return 0;
    } catch (err) {
      io.err(`sanctuary demo ${sub}: ${err instanceof AppError || err instanceof Error ? err.message : String(err)}`);
      return 1;
    } finally {
      await built.close();
    }
  },
};
