import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import {
  createStaffUser,
  disableUser,
  findUserByEmail,
  listStaffUsers,
  reissueEnrolment,
} from '../../core/auth/accounts.service.ts';
import { OPERATOR } from '../../core/auth/auth-audit.ts';
import { ROLES, isRole } from '../../core/auth/permissions.ts';
import { describeError, withAppContext } from '../app-context.ts';
import { type CliIo, type Command, UsageError } from '../command.ts';

const HELP = `Subcommands:
  create    Create a staff account and print its one-time enrolment link (valid 72 hours).
              --email <address>   work e-mail address (required)
              --role <role>       a role; repeat, or separate with commas (required)
              --name <name>       name shown in the staff pages (default: the part before @)
  link      Print a new enrolment link for an account that has not finished enrolling
            (older links stop working).
              --email <address>
  disable   Disable an account: it is signed out everywhere at once and cannot sign in.
              --email <address>
  list      List every account: email, name, roles, status, sign-in factors, last sign-in.

Roles: ${ROLES.join(', ')}.
Admins and counsel must also register a passkey while enrolling.

The person opens the link, chooses a password and sets up an authenticator app. Give the link to them
over a safe channel; it is printed only once and the database keeps only a hash of it.
Exit codes: 0 done, 1 failed (e.g. the e-mail already has an account), 2 wrong usage.`;

function emailArg(value: string | undefined): string {
  if (!value) throw new UsageError('--email is required');
  return value;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_c, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

async function create(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, role: { type: 'string', multiple: true }, name: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const email = emailArg(values.email);
  const roles = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean);
  if (roles.length === 0) throw new UsageError('--role is required');
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0) throw new UsageError(`unknown role ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`);
  const name = values.name ?? email.split('@')[0] ?? email;
  return withAppContext(config, 'auth_users', async (ctx) => {
    try {
      const { link, expiresAt } = await createStaffUser(ctx, { email, displayName: name, roles, actor: OPERATOR });
      io.err(`Created ${email.trim()} (${roles.join(', ')}). Give them this one-time enrolment link; it expires ${expiresAt.toISOString()}:`);
      io.out(link);
      return 0;
    } catch (err) {
      io.err(`sanctuary users create: ${describeError(err, ctx)}`);
      return 1;
    }
  });
}

async function link(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' } }, strict: true, allowPositionals: false });
  const email = emailArg(values.email);
  return withAppContext(config, 'auth_users', async (ctx) => {
    const user = await findUserByEmail(ctx, email);
    if (!user) {
      io.err(`sanctuary users link: no account for ${email}`);
      return 1;
    }
    try {
      const { link: url, expiresAt } = await reissueEnrolment(ctx, { userId: user.id, actor: OPERATOR });
      io.err(`New enrolment link for ${email} (older links no longer work); it expires ${expiresAt.toISOString()}:`);
      io.out(url);
      return 0;
    } catch (err) {
      io.err(`sanctuary users link: ${describeError(err, ctx)}`);
      return 1;
    }
  });
}

async function disable(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' } }, strict: true, allowPositionals: false });
  const email = emailArg(values.email);
  return withAppContext(config, 'auth_users', async (ctx) => {
    const user = await findUserByEmail(ctx, email);
    if (!user) {
      io.err(`sanctuary users disable: no account for ${email}`);
      return 1;
    }
    try {
      const { sessionsEnded, alreadyDisabled } = await disableUser(ctx, { userId: user.id, actor: OPERATOR });
      io.out(alreadyDisabled ? `${email} was already disabled.` : `Disabled ${email}; ${sessionsEnded} session(s) ended.`);
      return 0;
    } catch (err) {
      io.err(`sanctuary users disable: ${describeError(err, ctx)}`);
      return 1;
    }
  });
}

async function list(args: string[], config: Config, io: CliIo): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  return withAppContext(config, 'auth_users', async (ctx) => {
    const users = await listStaffUsers(ctx);
    if (users.length === 0) {
      io.out('No staff accounts. Create one with: sanctuary users create --email <address> --role admin');
      return 0;
    }
    const rows = [
      ['EMAIL', 'NAME', 'ROLES', 'STATUS', 'FACTORS', 'LAST LOGIN'],
      ...users.map((u) => [u.email, u.displayName, u.roles.join(','), u.status, u.factors.join('+') || '-', u.lastLoginAt ?? 'never']),
    ];
    for (const line of table(rows)) io.out(line);
    return 0;
  });
}

export const usersCommand: Command = {
  name: 'users',
  summary: 'Manage staff accounts: create (prints an enrolment link), link, disable, list',
  usage: 'sanctuary users <create|link|disable|list> [options]',
  help: HELP,
  async run(args, { config, io }) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'create':
        return create(rest, config(), io);
      case 'link':
        return link(rest, config(), io);
      case 'disable':
        return disable(rest, config(), io);
      case 'list':
        return list(rest, config(), io);
      case undefined:
        throw new UsageError('a subcommand is required');
      default:
        throw new UsageError(`unknown subcommand "${sub}"`);
    }
  },
};
