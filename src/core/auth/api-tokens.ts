/**
 * Scoped bearer tokens for partner systems (an immigration attorney's case-management software filing U-visa
 * certification requests): `Authorization: Bearer sct_…` on `/api/v1/…`.
 *
 * - A token belongs to a staff account (e.g. a `partner-attorney`) and carries **scopes**: permission ids
 *   such as `u-visa.api.file`. A call is allowed only when the route's permission is among the scopes *and*
 *   the account's current roles still grant it, so disabling the account or removing its role stops the
 *   token at once. High-assurance roles (admin, counsel) never act through a token, and a token never opens
 *   a route declared `staff` (any signed-in member): only routes that name a permission.
 * - The token is 256 random bits, shown once; the database keeps its SHA-256 (a copy of the database cannot
 *   be used to call the API). Tokens expire (at most 365 days) and can be revoked.
 * - Issuing and revoking are audited (`admin.api-token-create`, `admin.api-token-revoke`); a refused token is
 *   audited too. What a token does is audited by the service it calls, as its owner, like a session.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from './auth-audit.ts';
import { randomId, randomToken } from '../crypto/random.ts';
import type { NamedMigrations } from '../db/migrator.ts';
import type { Executor } from '../db/transaction.ts';
import { inTransaction } from '../db/transaction.ts';
import { AppError } from '../http/errors.ts';
import type { AppContext } from '../modules/context.ts';
import { defineClassification } from '../privacy/classification.ts';
import { HIGH_ASSURANCE_ROLES, type Role, isRole } from './permissions.ts';
import { hashToken } from './sessions.service.ts';

/** The visible prefix of every token (lets secret scanners and people recognise one). */
export const API_TOKEN_PREFIX = 'sct_';
/** Longest life of a token. */
export const MAX_TOKEN_DAYS = 365;
const TOKEN_PATTERN = /^sct_[A-Za-z0-9_-]{43}$/;
/** `last_used_at` is written at most this often per token (no write on every call). */
const TOUCH_MS = 60_000;

export interface ApiTokenTable {
  id: string;
  user_id: string;
  label: string;
  token_hash: string;
  /** JSON array of permission ids. */
  scopes: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    auth_api_tokens: ApiTokenTable;
  }
}

export const apiTokenMigrations: NamedMigrations = {
  '202612030050_auth_api_tokens': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('auth_api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('auth_api_tokens_user').on('auth_api_tokens').column('user_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('auth_api_tokens').execute();
    },
  },
};

export const apiTokenClassification = defineClassification([
  {
    table: 'auth_api_tokens',
    class: 'confidential',
    purpose: 'Scoped bearer tokens with which partner systems call the API on behalf of a staff account (security information, Minn. Stat. §13.37)',
    retention: 'Until revoked or expired, then kept for the audit trail while the account exists',
    columns: {
      id: 'Random token id (named in the audit log)',
      user_id: 'The staff account the token acts for',
      label: { purpose: 'What the token is for, e.g. the partner system, as the administrator named it', class: 'private' },
      token_hash: 'SHA-256 of the token (the token itself is shown once and never stored)',
      scopes: 'The permissions the token may use (permission ids)',
      created_at: 'When the token was issued',
      expires_at: 'When the token stops working',
      revoked_at: 'When the token was revoked',
      last_used_at: 'When the token was last used (to find unused tokens)',
    },
  },
]);

/** A token as administrators see it (never the token itself). */
export interface ApiTokenSummary {
  id: string;
  userId: string;
  label: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** What the access guard knows about a request made with a valid token. */
export interface ApiTokenPrincipal {
  tokenId: string;
  userId: string;
  displayName: string;
  /** The owner's current roles, high-assurance ones removed. */
  roles: Role[];
  /** Scopes still granted by those roles. */
  scopes: string[];
}

function summary(r: ApiTokenTable): ApiTokenSummary {
  return {
    id: r.id,
    userId: r.user_id,
    label: r.label,
    scopes: JSON.parse(r.scopes) as string[],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

async function activeRoles(db: Executor, userId: string): Promise<{ displayName: string; roles: Role[] } | null> {
  const user = await db.selectFrom('auth_users').select(['display_name', 'status']).where('id', '=', userId).executeTakeFirst();
  if (!user || user.status !== 'active') return null;
  const rows = await db.selectFrom('auth_user_roles').select('role').where('user_id', '=', userId).execute();
  return { displayName: user.display_name, roles: rows.map((r) => r.role).filter(isRole) };
}

/**
 * Issues a token for an active staff account. Every scope must be a permission the account's roles grant
 * (and not through a high-assurance role). Returns the token once, with its id.
 * @throws AppError `validation` for an unknown scope, a scope the account lacks, a bad label or lifetime
 */
export async function createApiToken(
  ctx: AppContext,
  input: { userId: string; label: string; scopes: readonly string[]; days: number; actor: Actor },
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const label = input.label.trim();
  if (label.length < 2 || label.length > 100 || /[\r\n]/.test(label)) throw new AppError('validation', { fields: [{ field: 'label', key: 'auth.apiToken.error.label' }] });
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > MAX_TOKEN_DAYS) {
    throw new AppError('validation', { fields: [{ field: 'days', key: 'auth.apiToken.error.days', values: { max: MAX_TOKEN_DAYS } }] });
  }
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) throw new AppError('validation', { fields: [{ field: 'scopes', key: 'auth.apiToken.error.scope' }] });
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const owner = await activeRoles(tx, input.userId);
    if (!owner) throw new AppError('validation', { fields: [{ field: 'userId', key: 'auth.apiToken.error.account' }] });
    const usable = owner.roles.filter((r) => !HIGH_ASSURANCE_ROLES.includes(r));
    for (const s of scopes) {
      if (!ctx.permissions.has(s) || !ctx.permissions.allows(usable, s)) throw new AppError('validation', { fields: [{ field: 'scopes', key: 'auth.apiToken.error.scope' }] });
    }
    const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
    const id = randomId();
    const expiresAt = new Date(now.getTime() + input.days * 86_400_000);
    await tx
      .insertInto('auth_api_tokens')
      .values({ id, user_id: input.userId, label, token_hash: hashToken(token), scopes: JSON.stringify(scopes), created_at: now.toISOString(), expires_at: expiresAt.toISOString(), revoked_at: null, last_used_at: null })
      .execute();
    await ctx.audit.record(tx, { actor: input.actor, action: 'admin.api-token-create', record: { type: 'core.api-token', id }, purpose: 'administration' });
    return { id, token, expiresAt };
  });
}

/** Revokes a token (idempotent). Returns false for an unknown id. */
export async function revokeApiToken(ctx: AppContext, input: { id: string; actor: Actor }): Promise<boolean> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await tx.selectFrom('auth_api_tokens').select(['id', 'revoked_at']).where('id', '=', input.id).executeTakeFirst();
    if (!row) return false;
    if (row.revoked_at) return true;
    await tx.updateTable('auth_api_tokens').set({ revoked_at: ctx.now().toISOString() }).where('id', '=', input.id).execute();
    await ctx.audit.record(tx, { actor: input.actor, action: 'admin.api-token-revoke', record: { type: 'core.api-token', id: input.id }, purpose: 'administration' });
    return true;
  });
}

/** Every token, newest first (optionally of one account). */
export async function listApiTokens(ctx: AppContext, options: { userId?: string } = {}): Promise<ApiTokenSummary[]> {
  let q = ctx.db.kysely.selectFrom('auth_api_tokens').selectAll();
  if (options.userId) q = q.where('user_id', '=', options.userId);
  return (await q.orderBy('created_at', 'desc').orderBy('id').execute()).map(summary);
}

/**
 * Checks a bearer token: its format, that it exists, is neither revoked nor expired, and that its owner is
 * active. Returns the principal (scopes narrowed to what the owner's roles still grant), or the reason it
 * was refused.
 */
export async function authenticateApiToken(ctx: AppContext, token: string): Promise<{ ok: true; principal: ApiTokenPrincipal } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' | 'account' }> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'malformed' };
  const db = ctx.db.kysely;
  const row = await db.selectFrom('auth_api_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  const now = ctx.now();
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  if (Date.parse(row.expires_at) <= now.getTime()) return { ok: false, reason: 'expired' };
  const owner = await activeRoles(db, row.user_id);
  if (!owner) return { ok: false, reason: 'account' };
  const roles = owner.roles.filter((r) => !HIGH_ASSURANCE_ROLES.includes(r));
  const scopes = (JSON.parse(row.scopes) as string[]).filter((s) => ctx.permissions.allows(roles, s));
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > TOUCH_MS) {
    await db.updateTable('auth_api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
  }
  return { ok: true, principal: { tokenId: row.id, userId: row.user_id, displayName: owner.displayName, roles, scopes } };
}

/**
 * Registers the bearer-token hook: a request under `/api/` with `Authorization: Bearer …` and no session
 * cookie becomes `req.staff` with the token's owner and scopes (`req.staff.token`), which the access guard
 * checks against the route's permission. A refused token is a 401, audited with its reason.
 */
export function registerApiTokenHook(app: FastifyInstance, ctx: AppContext): void {
  const authenticate = async (req: FastifyRequest, header: string): Promise<void> => {
    const result = await authenticateApiToken(ctx, header.slice(7).trim());
    if (!result.ok) {
      await ctx.audit.recordNow({ actor: { id: null, role: 'anonymous' }, action: 'auth.api-token', outcome: 'denied', purpose: 'security', detail: `reason.${result.reason}` });
      throw new AppError('unauthorized', { messageKey: 'auth.apiToken.refused' });
    }
    const p = result.principal;
    req.staff = { userId: p.userId, sessionId: `token:${p.tokenId}`, displayName: p.displayName, roles: p.roles, factor: 'totp', token: { id: p.tokenId, scopes: p.scopes } };
  };
  // Callback form: a request without a bearer token passes without a promise.
  app.addHook('onRequest', (req, _reply, done) => {
    const header = req.headers.authorization;
    if (!header || !req.url.startsWith('/api/') || req.staff) return done();
    if (!header.startsWith('Bearer ')) return done(new AppError('unauthorized'));
    authenticate(req, header).then(() => done(), done);
  });
}
