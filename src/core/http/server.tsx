import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import type { Child } from 'hono/jsx';
import type { Access } from '../auth/permissions.ts';
import { randomId } from '../crypto/random.ts';
import { type Locale, isLocale, negotiateLocale } from '../i18n/locales.ts';
import type { Translate } from '../i18n/messages.ts';
import type { AppContext } from '../modules/context.ts';
import { renderDocument } from '../views/render.ts';
import type { ViewContext } from '../views/view-context.ts';
import { csrfToken, verifyCsrf } from './csrf.ts';
import { AppError, codeForStatus } from './errors.ts';
import { type CachedPage, cachePage, compressedAssets, sendCachedPage } from './compression.ts';
import { checkJsonBody, decodeUtf8, parseQuery } from './query.ts';
import { ErrorPage } from './error-page.tsx';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route must declare who may call it; the server refuses to start otherwise. */
    access?: Access;
    /** Stricter rate limit bucket for logins and public submissions. */
    strictRateLimit?: boolean;
    /**
     * `false` for a public JSON endpoint without side effects that outside systems call without cookies (the
     * credential verify API): such a request has no session to ride on, so there is nothing to forge.
     * A request that carries cookies is still checked.
     */
    csrf?: false;
  }
  interface FastifyInstance {
    /** Every route registered, with its declared access (for the route × role matrix test). */
    routeInventory: RouteInventoryEntry[];
  }
  interface FastifyRequest {
    locale: Locale;
    t: Translate;
    /** Set by the auth layer for a signed-in staff member. */
    staff?: StaffPrincipal;
  }
  interface FastifyReply {
    /** Renders a page; HTML responses are never cached (they may hold personal data). */
    page(node: Child, status?: number): Promise<FastifyReply>;
    /**
     * Renders a page that is the same for every anonymous visitor in one language (the home page, the privacy
     * notice): the HTML is kept in memory per language and path and sent again without rendering. Never kept
     * for a signed-in member of staff, or when the page used the CSRF token (a form).
     */
    cachedPage(build: (view: ViewContext) => Child): Promise<FastifyReply>;
    viewContext(): ViewContext;
  }
}

/** The signed-in staff member, as the guard and the views see them. */
export interface StaffPrincipal {
  userId: string;
  sessionId: string;
  displayName: string;
  roles: readonly import('../auth/permissions.ts').Role[];
  /** Strongest factor used in this session. */
  factor: 'totp' | 'passkey';
  /** Set when the caller is a partner system with a scoped bearer token (`core/auth/api-tokens.ts`), not a session. */
  token?: { id: string; scopes: readonly string[] };
}

const UNAVAILABLE_CODES = new Set([
  // PostgreSQL: connection exceptions, admin shutdown, cannot connect now, disk full, out of memory.
  '08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53100', '53200', '53300',
  // Node sockets and files.
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOSPC',
  // SQLite: locked beyond the busy timeout, disk full, I/O error, cannot open.
  'SQLITE_BUSY', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN',
]);

/** True for errors that mean "the storage is unreachable or full right now" rather than a bug. */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('SQLITE_IOERR'))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

export interface RouteInventoryEntry {
  method: string;
  url: string;
  route: RouteOptions;
}

export const LANG_COOKIE = '__Host-lang';
const PUBLIC_ASSETS = fileURLToPath(new URL('../../../public/', import.meta.url));
const require = (await import('node:module')).createRequire(import.meta.url);
const USWDS_DIST = path.dirname(path.dirname(require.resolve('@uswds/uswds/css/uswds.min.css')));
const HTMX_DIST = path.join(path.dirname(require.resolve('htmx.org/package.json')), 'dist');

/**
 * The router parses the query string while it looks up the route, before the request has a lifecycle in which
 * an error becomes a response: a throwing parser there escapes Fastify's error handling. So a query that does
 * not parse (invalid percent-encoding or UTF-8, control characters, too many or too long values) becomes an
 * empty query carrying its error under this symbol, and the `onRequest` hook raises it as a translated 4xx.
 */
const BAD_QUERY = Symbol('badQuery');

function parseQueryForRouter(str: string): Record<string, string | string[]> {
  try {
    return parseQuery(str);
  } catch (err) {
    return Object.defineProperty({}, BAD_QUERY, { value: err, enumerable: false });
  }
}

/** Limits that apply to every request (DoS and oversize input). */
export const LIMITS = {
  bodyBytes: 256 * 1024,
  fieldChars: 10_000,
  urlChars: 4096,
  fields: 200,
} as const;

/** The security headers of every response, computed once (R27): no other origin may serve or frame anything. */
export function securityHeaders(secure: boolean): Readonly<Record<string, string>> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    ...(secure ? ['upgrade-insecure-requests'] : []),
  ].join(';');
  return Object.freeze({
    'content-security-policy': csp,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(secure ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-frame-options': 'DENY',
    // Anything may be personal: nothing is cached unless a route says otherwise (static assets do).
    'cache-control': 'no-store',
  });
}

type LogMethod = FastifyBaseLogger['info'];

/**
 * A request's logger that makes pino's child (bound to the request id) only when something is logged at an
 * enabled level: most requests log nothing but the one request line, which is written on the parent.
 */
class RequestLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Record<string, unknown>;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Record<string, unknown>) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  #log(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'): LogMethod | undefined {
    if (!(this.#parent as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled(level)) return undefined;
    this.#child ??= this.#parent.child(this.#bindings);
    const child: FastifyBaseLogger = this.#child;
    return child[level].bind(child);
  }

  get level(): string {
    return this.#parent.level;
  }

  fatal: LogMethod = (...args: Parameters<LogMethod>) => this.#log('fatal')?.(...args);
  error: LogMethod = (...args: Parameters<LogMethod>) => this.#log('error')?.(...args);
  warn: LogMethod = (...args: Parameters<LogMethod>) => this.#log('warn')?.(...args);
  info: LogMethod = (...args: Parameters<LogMethod>) => this.#log('info')?.(...args);
  debug: LogMethod = (...args: Parameters<LogMethod>) => this.#log('debug')?.(...args);
  trace: LogMethod = (...args: Parameters<LogMethod>) => this.#log('trace')?.(...args);
  silent: LogMethod = () => undefined;

  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings);
    return this.#child.child(bindings, options);
  }
}

/** Path and query of a request URL without its `lang` parameters (for the language links and the page cache). */
export function pathWithoutLang(url: string): string {
  if (!url.includes('lang=')) return url;
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const kept = url
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair !== '' && pair !== 'lang' && !pair.startsWith('lang='));
  return kept.length === 0 ? url.slice(0, mark) : `${url.slice(0, mark)}?${kept.join('&')}`;
}

/** Anonymous pages kept per language and path ({@link FastifyReply.cachedPage}); bounded, oldest out first. */
const PAGE_CACHE_ENTRIES = 512;

/**
 * Builds the Fastify server with the platform's cross-cutting behaviour: request ids, redacted logs,
 * security headers, cookies, body limits, rate limits, language negotiation, CSRF, the access guard,
 * translated error pages. Modules register their routes on top (see `app.ts`).
 */
export async function buildServer(ctx: AppContext, hooks: { nav: (req: FastifyRequest) => ViewContext['staff'] }): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = Fastify({
    loggerInstance: ctx.log as unknown as FastifyBaseLogger,
    // Fastify's own request logs would carry URLs (with query strings); we log route patterns instead.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger, bindings, options) =>
      (options.level || options.serializers ? logger.child(bindings, options) : new RequestLogger(logger, bindings)) as unknown as FastifyBaseLogger,
    genReqId: () => randomId(),
    requestIdHeader: false,
    bodyLimit: LIMITS.bodyBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200, querystringParser: parseQueryForRouter },
  });

  // Request logging without personal data: the route pattern, never the URL with its query.
  // Written on the parent logger with the request id as a field: the same line a child would write, without
  // making a child for every request.
  const log = ctx.log as unknown as FastifyBaseLogger & { isLevelEnabled(level: string): boolean };
  // The per-request hooks here and in core/auth take Fastify's callback form: a request that needs no waiting
  // (most do not) passes through all of them without a promise or a turn of the microtask queue.
  app.addHook('onResponse', (req, reply, done) => {
    if (log.isLevelEnabled('info')) {
      log.info(
        { reqId: req.id, method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    }
    done();
  });

  // Every route declares its access; refuse to start otherwise (R11). Checked once all routes are known,
  // because encapsulated scopes (static assets) set their access in their own onRoute hooks.
  const inventory: RouteInventoryEntry[] = [];
  app.decorate('routeInventory', inventory);
  app.addHook('onRoute', (route) => {
    for (const method of ([] as string[]).concat(route.method)) {
      if (method === 'HEAD' && route.url.startsWith('/assets/')) continue;
      inventory.push({ method, url: route.url, route });
    }
  });
  app.addHook('onReady', async () => {
    for (const entry of inventory) {
      const access = entry.route.config?.access;
      if (access === undefined) {
        throw new Error(`Route ${entry.method} ${entry.url} declares no access (public, staff or a permission)`);
      }
      if (typeof access === 'object' && !ctx.permissions.has(access.permission)) {
        throw new Error(`Route ${entry.method} ${entry.url} names unknown permission "${access.permission}"`);
      }
    }
  });

  const headers = securityHeaders(config.secure);
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: LIMITS.bodyBytes }, (req, body, done) => {
    let text: string;
    try {
      text = decodeUtf8(body as Buffer);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    void jsonParser(req, text, (err, parsed) => {
      if (err) {
        done(err, undefined);
        return;
      }
      try {
        checkJsonBody(parsed);
        done(null, parsed);
      } catch (bad) {
        done(bad as Error, undefined);
      }
    });
  });
  await app.register(fastifyCookie, { parseOptions: {} });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: LIMITS.bodyBytes }, (_req, body, done) => {
    try {
      done(null, parseQuery(decodeUtf8(body as Buffer)));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  if (config.rateLimit) {
    await app.register(fastifyRateLimit, {
      global: true,
      max: (req) => (req.routeOptions.config?.strictRateLimit && req.method !== 'GET' ? config.rateLimitMax.strict : config.rateLimitMax.all),
      timeWindow: 60_000,
      keyGenerator: (req) => `${req.ip}|${req.routeOptions.config?.strictRateLimit && req.method !== 'GET' ? 'strict' : 'all'}`,
      errorResponseBuilder: (_req, context) => {
        const err = new AppError('rate_limited');
        (err as AppError & { retryAfter?: number }).retryAfter = Math.ceil(context.ttl / 1000);
        return err;
      },
    });
  }

  await app.register(async (assets) => {
    assets.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    const cache = { maxAge: '1d', immutable: false, dotfiles: 'deny' as const, index: false as const, wildcard: true };
    const roots = [
      { prefix: '/assets/uswds/', root: USWDS_DIST },
      { prefix: '/assets/htmx/', root: HTMX_DIST },
      { prefix: '/assets/app/', root: PUBLIC_ASSETS },
    ];
    // Text assets go out compressed to browsers that accept it; the static handler serves everything else.
    assets.addHook('preHandler', compressedAssets(roots, 86_400));
    for (const [i, { prefix, root }] of roots.entries()) await assets.register(fastifyStatic, { root, prefix, ...(i > 0 ? { decorateReply: false } : {}), ...cache });
  });

  // Language: ?lang= wins and is remembered; then the cookie; then Accept-Language.
  const offered: Locale[] = ctx.jurisdiction.locale.languages.value.map((l) => l.code).filter(isLocale);
  // The language cookie, serialized once per language (it is set on every visit that follows a language link).
  const langCookies = new Map(offered.map((l) => [l, `${LANG_COOKIE}=${l}; Max-Age=${365 * 86400}; Path=/; HttpOnly; Secure; SameSite=Lax`]));
  const cityName = ctx.jurisdiction.place.cityName.value;
  app.decorateRequest('locale', 'en');
  app.decorateRequest('t', null as unknown as Translate);
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', req.id);
    const q = (req.query ?? {}) as Record<string | symbol, unknown>;
    const fromQuery = typeof q.lang === 'string' && isLocale(q.lang) && offered.includes(q.lang) ? q.lang : undefined;
    const cookie = req.cookies[LANG_COOKIE];
    const fromCookie = isLocale(cookie) && offered.includes(cookie) ? cookie : undefined;
    req.locale = fromQuery ?? fromCookie ?? negotiateLocale(req.headers['accept-language'], offered);
    req.t = ctx.messages.translator(req.locale);
    // Refused only now, so that the error page is in the person's language.
    if (req.url.length > LIMITS.urlChars) return done(new AppError('bad_request', { messageKey: 'error.urlTooLong' }));
    const badQuery: unknown = q[BAD_QUERY];
    if (badQuery) return done(badQuery instanceof Error ? badQuery : new AppError('bad_request', { messageKey: 'error.badEncoding' }));
    if (fromQuery && fromQuery !== cookie) reply.header('set-cookie', langCookies.get(fromQuery));
    done();
  });

  // Access guard: deny by default.
  app.addHook('preHandler', (req, _reply, done) => {
    const access = req.routeOptions.config?.access;
    if (access === 'public' || req.is404) return done();
    if (!req.staff) return done(new AppError('unauthorized'));
    // A bearer token opens only routes that name a permission, and only the permissions in its scopes.
    if (req.staff.token && (typeof access !== 'object' || !req.staff.token.scopes.includes(access.permission))) return done(new AppError('forbidden'));
    if (access === 'staff') return done();
    if (typeof access === 'object' && ctx.permissions.allows(req.staff.roles, access.permission)) return done();
    done(new AppError('forbidden'));
  });
  // CSRF after the body is parsed, before any handler runs.
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.routeOptions.config?.csrf === false && !req.headers.cookie) return done();
    try {
      verifyCsrf(req, config.baseUrl);
    } catch (err) {
      return done(err as Error);
    }
    done();
  });

  const usedCsrf = new WeakSet<FastifyReply>();
  app.decorateReply('viewContext', function (this: FastifyReply): ViewContext {
    return makeViewContext(this);
  });
  function makeViewContext(reply: FastifyReply): ViewContext {
    const req = reply.request;
    return {
      locale: req.locale,
      t: req.t,
      path: pathWithoutLang(req.url),
      offeredLocales: offered,
      cityName,
      demo: config.demo,
      // The CSRF cookie is set only for pages that carry a form, when the view first asks for the token.
      get csrfToken() {
        usedCsrf.add(reply);
        return csrfToken(req, reply, true);
      },
      staff: req.staff ? hooks.nav(req) : undefined,
    };
  }
  app.decorateReply('page', async function (this: FastifyReply, node: Child, status = 200): Promise<FastifyReply> {
    const html = await renderDocument(node);
    return this.code(status).type('text/html; charset=utf-8').send(html);
  });
  // Kept encoded: a cached page is written to the socket as the same bytes every time, compressed for the
  // browsers that accept it (see ./compression.ts).
  const pageCache = new Map<string, CachedPage>();
  app.decorateReply('cachedPage', async function (this: FastifyReply, build: (view: ViewContext) => Child): Promise<FastifyReply> {
    const req = this.request;
    const key = req.staff ? undefined : `${req.locale}\u0000${pathWithoutLang(req.url)}`;
    const hit = key === undefined ? undefined : pageCache.get(key);
    if (hit !== undefined) return sendCachedPage(this, hit);
    const html = await renderDocument(build(this.viewContext()));
    if (key !== undefined && !usedCsrf.has(this)) {
      if (pageCache.size >= PAGE_CACHE_ENTRIES) pageCache.delete(pageCache.keys().next().value as string);
      const page = cachePage(Buffer.from(html, 'utf8'));
      pageCache.set(key, page);
      return sendCachedPage(this, page);
    }
    return this.code(200).type('text/html; charset=utf-8').send(html);
  });

  app.setNotFoundHandler({ preHandler: undefined }, async (req, reply) => {
    if (!req.t) {
      req.locale = 'en';
      req.t = ctx.messages.translator('en');
    }
    return sendError(req, reply, new AppError('not_found'));
  });

  app.setErrorHandler(async (error: FastifyError | AppError, req, reply) => {
    let appError: AppError;
    if (error instanceof AppError) appError = error;
    else if (typeof error.statusCode === 'number' && error.statusCode < 500) {
      appError = new AppError(codeForStatus(error.statusCode), { cause: error });
    } else if (isUnavailable(error)) {
      // The database (or the disk under it) is unreachable or full: nothing was committed, and the client may
      // retry. 503 with Retry-After, not a generic 500 (R43).
      req.log.error({ err: { type: error.name, errorCode: error.code } }, 'storage unavailable');
      appError = new AppError('unavailable');
      (appError as AppError & { retryAfter?: number }).retryAfter = 30;
    } else {
      req.log.error({ err: { type: error.name, errorCode: error.code, stack: error.stack } }, 'unhandled error');
      appError = new AppError('internal');
    }
    if (!req.t) {
      req.locale = 'en';
      req.t = ctx.messages.translator('en');
    }
    const retryAfter = (appError as AppError & { retryAfter?: number }).retryAfter;
    if (retryAfter) reply.header('retry-after', String(retryAfter));
    try {
      return await sendError(req, reply, appError);
    } catch (renderError) {
      // Last resort: the error page itself failed. Send a fixed page that reveals nothing.
      req.log.error({ err: { type: (renderError as Error).name, stack: (renderError as Error).stack } }, 'error page failed');
      return reply
        .code(appError.status)
        .type('text/html; charset=utf-8')
        .send(`<!doctype html><html lang="en"><title>Error ${appError.status}</title><h1>Error ${appError.status}</h1><p>Please try again later. Reference: ${req.id}</p></html>`);
    }
  });

  async function sendError(req: FastifyRequest, reply: FastifyReply, err: AppError): Promise<FastifyReply> {
    const wantsJson = req.url.startsWith('/api/') || (req.headers.accept ?? '').startsWith('application/json');
    const title = req.t(`error.${err.code}.title`);
    const body = req.t(err.messageKey ?? `error.${err.code}.body`);
    if (wantsJson) {
      return reply
        .code(err.status)
        .type('application/json; charset=utf-8')
        .send({
          error: {
            code: err.code,
            message: body,
            fields: err.fields.map((f) => ({ field: f.field, code: f.key, message: req.t(f.key, f.values) })),
          },
          requestId: req.id,
        });
    }
    let view: ViewContext;
    try {
      view = reply.viewContext();
    } catch {
      view = {
        locale: req.locale,
        t: req.t,
        path: '/',
        offeredLocales: offered,
        cityName,
        demo: config.demo,
        csrfToken: '',
      };
    }
    return reply.page(<ErrorPage ctx={view} title={title} body={body} status={err.status} requestId={req.id} />, err.status);
  }

  return app;
}
