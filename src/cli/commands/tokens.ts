import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import { MAX_TOKEN_DAYS, createApiToken, listApiTokens, revokeApiToken } from '../../core/auth/api-tokens.ts';
import { findUserByEmail } from '../../core/auth/accounts.service.ts';
import { OPERATOR } from '../../core/auth/auth-audit.ts';
import { isRandomId } from '../../core/crypto/random.ts';
import { describeError, withAppContext } from '../app-context.ts';
import { type CliIo, type Command, UsageError } from '../command.ts';

const HELP = `Subcommands:
  create    Issue a scoped API token for a staff account (e.g. a partner attorney's case system) and print
            it once. Only its hash is stored.
              --email <address>   the account the token acts for (required; must be active)
              --scope <perm>      a permission the account's roles grant, e.g. u-visa.api.file; repeat or
                                  separate with commas (required)
              --label <text>      what the token is for (required)
              --days <n>          lifetime in days, 1–${MAX_TOKEN_DAYS} (default 90)
  list      List tokens: id, account, label, scopes, expiry, last use, revoked.
  revoke    Revoke a token at once.
              --id <token id>

Tokens are sent as "Authorization: Bearer sct_…" to /api/v1/… routes whose permission is in their scopes.
Admin and counsel powers never work through a token. Issuing and revoking are written to the audit log.
Exit codes: 0 done, 1 failed, 2 wrong usage.`;

async function create(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, scope: { type: 'string', multiple: true }, label: { type: 'string' }, days: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (!values.email) throw new UsageError('--email is required');
  if (!values.label) throw new UsageError('--label is required');
  const scopes = (values.scope ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (scopes.length === 0) throw new UsageError('--scope is required');
  const days = values.days === undefined ? 90 : Number(values.days);
  if (!Number.isInteger(days)) throw new UsageError('--days must be a whole number');
  const email = values.email;
  const label = values.label;
  return withAppContext(config, 'auth_api_tokens', async (ctx) => {
    const user = await findUserByEmail(ctx, email);
    if (!user) {
      io.err(`sanctuary tokens create: no account for ${email}`);
      return 1;
    }
    try {
      const { id, token, expiresAt } = await createApiToken(ctx, { userId: user.id, label, scopes, days, actor: OPERATOR });
      io.err(`Token ${id} for ${email} (${scopes.join(', ')}), expires ${expiresAt.toISOString()}. It is shown only now:`);
      io.out(token);
      return 0;
    } catch (err) {
      io.err(`sanctuary tokens create: ${describeError(err, ctx)}`);
      return 1;
    }
  });
}

async function list(args: string[], config: Config, io: CliIo): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  return withAppContext(config, 'auth_api_tokens', async (ctx) => {
    const tokens = await listApiTokens(ctx);
    if (tokens.length === 0) {
      io.out('No API tokens.');
      return 0;
    }
    io.out(['ID', 'ACCOUNT', 'LABEL', 'SCOPES', 'EXPIRES', 'LAST USED', 'REVOKED'].join('\t'));
    for (const t of tokens) io.out([t.id, t.userId, t.label, t.scopes.join(','), t.expiresAt, t.lastUsedAt ?? 'never', t.revokedAt ?? '-'].join('\t'));
    return 0;
  });
}

async function revoke(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { id: { type: 'string' } }, strict: true, allowPositionals: false });
  if (!values.id || !isRandomId(values.id)) throw new UsageError('--id <token id> is required');
  const id = values.id;
  return withAppContext(config, 'auth_api_tokens', async (ctx) => {
    if (!(await revokeApiToken(ctx, { id, actor: OPERATOR }))) {
      io.err(`sanctuary tokens revoke: no token ${id}`);
      return 1;
    }
    io.out(`Revoked ${id}.`);
    return 0;
  });
}

export const tokensCommand: Command = {
  name: 'tokens',
  summary: 'Manage scoped API tokens for partner systems: create (prints the token once), list, revoke',
  usage: 'sanctuary tokens <create|list|revoke> [options]',
  help: HELP,
  async run(args, { config, io }) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'create':
        return create(rest, config(), io);
      case 'list':
        return list(rest, config(), io);
      case 'revoke':
        return revoke(rest, config(), io);
      case undefined:
        throw new UsageError('a subcommand is required');
      default:
        throw new UsageError(`unknown subcommand "${sub}"`);
    }
  },
};
