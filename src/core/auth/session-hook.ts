import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';
import type { AppContext } from '../modules/context.ts';
import { type Access, HIGH_ASSURANCE_ROLES, type Role } from './permissions.ts';
import { type ActiveSession, isStepUpFresh, loadSession } from './sessions.service.ts';

/** The session cookie: `__Host-` (no Domain, Path=/, Secure), HttpOnly, SameSite=Strict (R7). */
export const SESSION_COOKIE = '__Host-session';

/** What `requireStepUp` may be asked for (R10). */
export type StepUpPurpose = 'disclosure' | 'role-change' | 'key-rotation' | 'restore';
export const STEP_UP_PURPOSES: readonly StepUpPurpose[] = ['disclosure', 'role-change', 'key-rotation', 'restore'];

/** Details of the request's session that the guard does not need but auth pages and step-up do. */
export interface SessionDetails {
  session: ActiveSession;
  /** The application clock when the request arrived (fake in tests). */
  now: Date;
  /** High-assurance roles the account holds but this session may not use (signed in without a passkey). */
  withheldRoles: Role[];
  /** Signed in with TOTP where a passkey is normally required, allowed only for demo accounts in DEMO mode. */
  demoWithoutPasskey: boolean;
}

const details = new WeakMap<FastifyRequest, SessionDetails>();

/** A registered route and the access it declares. */
export interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
}

const inventories = new WeakMap<FastifyInstance, RouteInfo[]>();

/** Every route registered after the session hook (all application routes), with its declared access. */
export function routeInventory(app: FastifyInstance): readonly RouteInfo[] {
  return inventories.get(app) ?? [];
}

/** The session details of a signed-in request (undefined when anonymous). */
export function sessionDetails(req: FastifyRequest): SessionDetails | undefined {
  return details.get(req);
}

/** Sets the session cookie (the id is shown to the browser only, never stored). */
export function setSessionCookie(reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, secure: true, sameSite: 'strict' });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'strict' });
}

/**
 * The roles a session may use. Admin and counsel powers need a session opened with a passkey (R1): with
 * TOTP only, those roles are withheld (the account keeps its other roles) — except for the seeded demo
 * accounts while DEMO is on, since a console cannot print a passkey.
 */
export function effectiveRoles(session: ActiveSession, demoMode: boolean): { roles: Role[]; withheld: Role[]; demoWithoutPasskey: boolean } {
  if (session.factor === 'passkey') return { roles: session.roles, withheld: [], demoWithoutPasskey: false };
  const high = session.roles.filter((r) => HIGH_ASSURANCE_ROLES.includes(r));
  if (high.length > 0 && demoMode && session.demo) return { roles: session.roles, withheld: [], demoWithoutPasskey: true };
  return { roles: session.roles.filter((r) => !HIGH_ASSURANCE_ROLES.includes(r)), withheld: high, demoWithoutPasskey: false };
}

function wantsHtml(req: FastifyRequest): boolean {
  return !req.url.startsWith('/api/') && !(req.headers.accept ?? '').startsWith('application/json');
}

/**
 * Registers the session hook: on every request, the `__Host-session` cookie is looked up, the idle and
 * absolute timeouts are enforced on `ctx.now()`, and a valid session becomes `req.staff` for the access
 * guard. An expired or unknown cookie is cleared. An anonymous browser asking for a staff page is sent to
 * the sign-in page (and back afterwards); other anonymous requests get the guard's 401.
 */
export function registerSessionHook(app: FastifyInstance, ctx: AppContext): void {
  // Every route registered from here on (core, auth, modules) is inventoried with its declared access, so
  // the route × role test (test/security/route-matrix.test.ts) covers routes that modules add later.
  const routes: RouteInfo[] = [];
  inventories.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of ([] as string[]).concat(route.method)) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url ?? route.path, access: route.config?.access });
    }
  });
  // Callback form: a request without a session cookie (every resident's) passes without a promise.
  app.addHook('onRequest', (req, reply, done) => {
    // Static files never need the session: skip the lookup for the stylesheets and scripts of every page.
    if (req.url.startsWith('/assets/')) return done();
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return signInIfNeeded(req, reply, done);
    loadSession(ctx, token).then((result) => {
      if (result.ok) {
        const { session } = result;
        const { roles, withheld, demoWithoutPasskey } = effectiveRoles(session, ctx.config.demo);
        req.staff = { userId: session.userId, sessionId: session.idHash, displayName: session.displayName, roles, factor: session.factor };
        details.set(req, { session, now: ctx.now(), withheldRoles: withheld, demoWithoutPasskey });
      } else {
        clearSessionCookie(reply);
      }
      signInIfNeeded(req, reply, done);
    }, done);
  });
}

/** Sends an anonymous browser asking for a staff page to the sign-in page (and back afterwards); else goes on. */
function signInIfNeeded(req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  const access = req.routeOptions.config?.access;
  if (!req.staff && access !== undefined && access !== 'public' && req.method === 'GET' && wantsHtml(req)) {
    const next = new URL(req.url, 'http://x');
    next.searchParams.delete('lang');
    void reply.redirect(`/staff/login?next=${encodeURIComponent(next.pathname + next.search)}`, 303);
    return;
  }
  done();
}

/** True when the request's session has a passkey step-up from the last five minutes. */
export function hasFreshStepUp(req: FastifyRequest): boolean {
  const d = details.get(req);
  return d !== undefined && isStepUpFresh(d.session.stepUpAt, d.now);
}

/**
 * Refuses a sensitive action (disclosure, role change, key rotation, restore) unless this session proved
 * possession of the user's passkey within the last five minutes (ASVS 4.0.3 3.7.1, R10). Throws a 401
 * `AppError`; pages that lead to such an action link to {@link stepUpHref} first.
 */
export function requireStepUp(req: FastifyRequest, purpose: StepUpPurpose): void {
  if (!STEP_UP_PURPOSES.includes(purpose)) throw new TypeError(`unknown step-up purpose ${String(purpose)}`);
  if (!req.staff) throw new AppError('unauthorized');
  if (!hasFreshStepUp(req)) throw new AppError('unauthorized', { messageKey: 'auth.stepUp.required' });
}

/** Where to send the user to step up, returning to `next` (a local path) afterwards. */
export function stepUpHref(purpose: StepUpPurpose, next: string): string {
  return `/staff/step-up?purpose=${encodeURIComponent(purpose)}&next=${encodeURIComponent(safeNext(next, '/staff'))}`;
}

/** Accepts only a local path (no scheme, no `//host`, no backslashes) as a place to return to. */
export function safeNext(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length > 512) return fallback;
  if (!/^\/(?![/\\])[^\\\s]*$/.test(next)) return fallback;
  return next;
}
