import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isRandomId } from '../crypto/random.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import { parseInput } from '../http/validate.ts';
import type { AppContext } from '../modules/context.ts';
import {
  ENROLMENT_TTL_MS,
  accountPasskeyOptions,
  addPasskey,
  confirmEnrolmentTotp,
  createStaffUser,
  disableUser,
  enrolmentPasskeyOptions,
  enrolmentTotp,
  getEnrolment,
  getStaffUser,
  listStaffUsers,
  registerEnrolmentPasskey,
  reissueEnrolment,
  setEnrolmentPassword,
  setUserRoles,
} from './accounts.service.ts';
import { staffActor } from './auth-audit.ts';
import { signIn, signOut, stepUp } from './login.service.ts';
import { authenticationResponseSchema, parseCredentialField, passkeyAssertionOptions, registrationResponseSchema } from './passkeys.service.ts';
import { ROLES } from './permissions.ts';
import {
  SESSION_COOKIE,
  STEP_UP_PURPOSES,
  type StepUpPurpose,
  clearSessionCookie,
  hasFreshStepUp,
  requireStepUp,
  safeNext,
  sessionDetails,
  setSessionCookie,
  stepUpHref,
} from './session-hook.ts';
import { EnrolPasskeyPage, EnrolPasswordPage, EnrolProblemPage, EnrolTotpPage } from './views/enrol.view.tsx';
import { lazyRequire } from '../lazy.ts';

const loadQrCode = lazyRequire<typeof import('qrcode')>('qrcode');
import { LOGIN_NOTICES, type LoginNotice, LoginPage } from './views/login.view.tsx';
import { AccountPage, NewUserPage, StaffHomePage, StepUpPage, UserPage, UsersPage } from './views/staff.view.tsx';

/** Cookie binding a started enrolment to one browser. Lax, so the e-mailed link opened again still carries it. */
const ENROL_COOKIE = '__Host-enrol';
const MANAGE = { permission: 'core.users.manage' } as const;

const csrfField = { _csrf: z.string().max(128).optional() };
const text = (max: number) => z.string().max(max).default('');

const loginBody = z
  .object({ ...csrfField, email: text(254), password: text(1024), code: text(16), passkey: text(32_768), next: text(512) })
  .strict();
const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'auth.enrol.invalid') }).strict();
const userParams = z.object({ id: z.string().refine(isRandomId) }).strict();
const emptyJson = z.object({ ...csrfField }).strict();

function problemStatus(problem: 'invalid' | 'expired' | 'other-browser'): number {
  return problem === 'expired' ? 410 : problem === 'other-browser' ? 409 : 404;
}

/** The relying-party / issuer name people see in their authenticator: "Minneapolis Sanctuary services". */
function serviceName(req: FastifyRequest, reply: FastifyReply): string {
  return req.t('layout.siteName', { city: reply.viewContext().cityName }).replace(/:/g, ' ');
}

function userIdParam(params: unknown): string {
  const parsed = userParams.safeParse(params);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data.id;
}

function actorOf(req: FastifyRequest) {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return staffActor(staff.userId, staff.roles);
}

function signedIn(req: FastifyRequest) {
  const staff = req.staff;
  const details = sessionDetails(req);
  if (!staff || !details) throw new AppError('unauthorized');
  return { staff, details };
}

/**
 * Staff sign-in and sign-out, enrolment, the staff home, the account page, step-up, and account
 * administration. Every route declares its access; the global guard enforces it.
 */
export async function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // --- Sign-in ------------------------------------------------------------------------------------------

  app.get('/staff/login', { config: { access: 'public' } }, async (req, reply) => {
    if (req.staff) return reply.redirect('/staff', 303);
    const q = req.query as Record<string, unknown>;
    const notice = LOGIN_NOTICES.includes(q.notice as LoginNotice) ? (q.notice as LoginNotice) : undefined;
    const next = safeNext(q.next, '');
    return reply.page(<LoginPage ctx={reply.viewContext()} notice={notice} next={next || undefined} />);
  });

  app.post('/staff/login', { config: { access: 'public', strictRateLimit: true } }, async (req, reply) => {
    const parsed = loginBody.safeParse(req.body ?? {});
    const body = parsed.success ? parsed.data : { email: '', password: '', code: '', passkey: '', next: '' };
    const next = safeNext(body.next, '');
    const passkey = body.passkey ? parseCredentialField(authenticationResponseSchema, body.passkey) : null;
    const result =
      parsed.success && body.email && body.password && (body.code || passkey)
        ? await signIn(ctx, {
            email: body.email,
            password: body.password,
            code: passkey ? undefined : body.code,
            passkey: passkey ?? undefined,
            ip: req.ip,
            requestId: req.id,
          })
        : ({ ok: false, reason: 'invalid' } as const);
    if (!result.ok) {
      const view = reply.viewContext();
      if (result.reason === 'locked') {
        reply.header('retry-after', String(result.retryAfterSeconds));
        return reply.page(<LoginPage ctx={view} email={body.email} next={next || undefined} error={{ kind: 'locked', minutes: Math.ceil(result.retryAfterSeconds / 60) }} />, 429);
      }
      return reply.page(<LoginPage ctx={view} email={body.email} next={next || undefined} error={{ kind: 'invalid' }} />, 401);
    }
    // A new session id at every sign-in; any session this browser had is ended (ASVS 3.2.1).
    const previous = req.cookies[SESSION_COOKIE];
    if (previous) await signOut(ctx, { sessionToken: previous, requestId: req.id });
    setSessionCookie(reply, result.sessionToken);
    return reply.redirect(next || '/staff', 303);
  });

  app.post('/staff/login/passkey-options', { config: { access: 'public', strictRateLimit: true } }, async (req, reply) => {
    parseInput(emptyJson, req.body ?? {});
    return reply.send(await passkeyAssertionOptions(ctx, { purpose: 'login' }));
  });

  app.post('/staff/logout', { config: { access: 'public' } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await signOut(ctx, { sessionToken: token, requestId: req.id });
    clearSessionCookie(reply);
    // Tell the browser to drop anything it kept for this origin (R28).
    reply.header('clear-site-data', '"cache", "storage"');
    return reply.redirect('/staff/login?notice=signedOut', 303);
  });

  // --- Enrolment ----------------------------------------------------------------------------------------

  app.get('/staff/enrol/:token', { config: { access: 'public' } }, async (req, reply) => {
    const { token } = parseInput(tokenParams, req.params);
    const view = reply.viewContext();
    const browserToken = req.cookies[ENROL_COOKIE];
    const state = await getEnrolment(ctx, { token, browserToken });
    if (state.status !== 'ok') return reply.page(<EnrolProblemPage ctx={view} problem={state.status} />, problemStatus(state.status));
    if (state.step === 'password') {
      return reply.page(<EnrolPasswordPage ctx={view} token={token} name={state.user.display_name} withPasskey={state.needsPasskey} />);
    }
    if (state.step === 'totp') {
      const { secret, uri } = await enrolmentTotp(ctx, { token, browserToken, issuer: serviceName(req, reply) });
      const svg = await loadQrCode().toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      const qrDataUri = `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
      return reply.page(<EnrolTotpPage ctx={view} token={token} withPasskey={state.needsPasskey} secret={secret} qrDataUri={qrDataUri} />);
    }
    return reply.page(<EnrolPasskeyPage ctx={view} token={token} />);
  });

  app.post('/staff/enrol/:token/password', { config: { access: 'public', strictRateLimit: true } }, async (req, reply) => {
    const { token } = parseInput(tokenParams, req.params);
    const body = parseInput(z.object({ ...csrfField, password: text(1024), confirm: text(1024) }).strict(), req.body ?? {});
    const browserToken = req.cookies[ENROL_COOKIE];
    const state = await getEnrolment(ctx, { token, browserToken });
    const view = reply.viewContext();
    if (state.status !== 'ok') return reply.page(<EnrolProblemPage ctx={view} problem={state.status} />, problemStatus(state.status));
    const errors: FieldError[] = [];
    if (body.password !== body.confirm) errors.push({ field: 'confirm', key: 'auth.password.mismatch' });
    if (errors.length === 0) {
      const result = await setEnrolmentPassword(ctx, { token, browserToken, password: body.password });
      if (result.ok) {
        reply.setCookie(ENROL_COOKIE, result.browserToken, { path: '/', httpOnly: true, secure: true, sameSite: 'lax', maxAge: ENROLMENT_TTL_MS / 1000 });
        return reply.redirect(`/staff/enrol/${token}`, 303);
      }
      for (const p of result.problems) {
        errors.push({ field: 'password', key: `auth.password.problem.${p.code}`, values: 'min' in p ? { min: p.min } : 'max' in p ? { max: p.max } : undefined });
      }
    }
    return reply.page(<EnrolPasswordPage ctx={view} token={token} name={state.user.display_name} withPasskey={state.needsPasskey} errors={errors} />, 422);
  });

  app.post('/staff/enrol/:token/totp', { config: { access: 'public', strictRateLimit: true } }, async (req, reply) => {
    const { token } = parseInput(tokenParams, req.params);
    const body = parseInput(z.object({ ...csrfField, code: text(16) }).strict(), req.body ?? {});
    const browserToken = req.cookies[ENROL_COOKIE];
    const result = await confirmEnrolmentTotp(ctx, { token, browserToken, code: body.code });
    if (result.ok) {
      if (!result.complete) return reply.redirect(`/staff/enrol/${token}`, 303);
      reply.clearCookie(ENROL_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
      return reply.redirect('/staff/login?notice=enrolled', 303);
    }
    const state = await getEnrolment(ctx, { token, browserToken });
    if (state.status !== 'ok') return reply.page(<EnrolProblemPage ctx={reply.viewContext()} problem={state.status} />, problemStatus(state.status));
    const { secret, uri } = await enrolmentTotp(ctx, { token, browserToken, issuer: serviceName(req, reply) });
    const svg = await loadQrCode().toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const qrDataUri = `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
    return reply.page(
      <EnrolTotpPage
        ctx={reply.viewContext()}
        token={token}
        withPasskey={state.needsPasskey}
        secret={secret}
        qrDataUri={qrDataUri}
        errors={[{ field: 'code', key: body.code ? 'auth.totp.wrong' : 'auth.totp.required' }]}
      />,
      422,
    );
  });

  app.post('/staff/enrol/:token/passkey-options', { config: { access: 'public', strictRateLimit: true } }, async (req, reply) => {
    const { token } = parseInput(tokenParams, req.params);
    parseInput(emptyJson, req.body ?? {});
    return reply.send(await enrolmentPasskeyOptions(ctx, { token, browserToken: req.cookies[ENROL_COOKIE], rpName: serviceName(req, reply) }));
  });

  app.post('/staff/enrol/:token/passkey', { config: { access: 'public', strictRateLimit: true } }, async (req, reply) => {
    const { token } = parseInput(tokenParams, req.params);
    const body = parseInput(z.object({ ...csrfField, credential: text(32_768) }).strict(), req.body ?? {});
    const response = parseCredentialField(registrationResponseSchema, body.credential);
    const ok = response ? await registerEnrolmentPasskey(ctx, { token, browserToken: req.cookies[ENROL_COOKIE], response }) : false;
    if (!ok) {
      const state = await getEnrolment(ctx, { token, browserToken: req.cookies[ENROL_COOKIE] });
      if (state.status !== 'ok') return reply.page(<EnrolProblemPage ctx={reply.viewContext()} problem={state.status} />, problemStatus(state.status));
      return reply.page(<EnrolPasskeyPage ctx={reply.viewContext()} token={token} failed />, 422);
    }
    reply.clearCookie(ENROL_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
    return reply.redirect('/staff/login?notice=enrolled', 303);
  });

  // --- Staff home and own account -----------------------------------------------------------------------

  app.get('/staff', { config: { access: 'staff' } }, async (req, reply) => {
    const { staff, details } = signedIn(req);
    const view = reply.viewContext();
    const links = (view.staff?.nav ?? []).filter((n) => n.href !== '/staff').map((n) => ({ href: n.href, label: view.t(n.labelKey) }));
    return reply.page(
      <StaffHomePage ctx={view} roles={staff.roles} withheldRoles={details.withheldRoles} demoWithoutPasskey={details.demoWithoutPasskey} links={links} />,
    );
  });

  app.get('/staff/account', { config: { access: 'staff' } }, async (req, reply) => {
    const { staff } = signedIn(req);
    const user = await getStaffUser(ctx, staff.userId);
    if (!user) throw new AppError('unauthorized');
    return reply.page(<AccountPage ctx={reply.viewContext()} user={user} />);
  });

  app.post('/staff/account/passkey-options', { config: { access: 'staff', strictRateLimit: true } }, async (req, reply) => {
    const { staff } = signedIn(req);
    parseInput(emptyJson, req.body ?? {});
    return reply.send(await accountPasskeyOptions(ctx, { userId: staff.userId, rpName: serviceName(req, reply) }));
  });

  app.post('/staff/account/passkey', { config: { access: 'staff', strictRateLimit: true } }, async (req, reply) => {
    const { staff } = signedIn(req);
    const body = parseInput(z.object({ ...csrfField, password: text(1024), credential: text(32_768) }).strict(), req.body ?? {});
    const response = parseCredentialField(registrationResponseSchema, body.credential);
    const outcome = response ? await addPasskey(ctx, { userId: staff.userId, password: body.password, response }) : 'not-verified';
    if (outcome === 'added') {
      clearSessionCookie(reply);
      return reply.redirect('/staff/login?notice=passkeyAdded', 303);
    }
    const user = await getStaffUser(ctx, staff.userId);
    if (!user) throw new AppError('unauthorized');
    return reply.page(<AccountPage ctx={reply.viewContext()} user={user} error={outcome === 'wrong-password' ? 'password' : 'passkey'} />, 422);
  });

  // --- Step-up ------------------------------------------------------------------------------------------

  const stepUpQuery = z.object({ purpose: z.enum(STEP_UP_PURPOSES as [StepUpPurpose, ...StepUpPurpose[]]), next: z.string().max(512).optional() });

  async function renderStepUp(req: FastifyRequest, reply: FastifyReply, purpose: StepUpPurpose, next: string, failed: boolean, status = 200) {
    const { staff, details } = signedIn(req);
    const demoCode = ctx.config.demo && details.session.demo;
    const hasPasskey = ((await getStaffUser(ctx, staff.userId))?.passkeys ?? 0) > 0;
    return reply.page(<StepUpPage ctx={reply.viewContext()} purpose={purpose} next={next} demoCode={demoCode} hasPasskey={hasPasskey} failed={failed} />, status);
  }

  app.get('/staff/step-up', { config: { access: 'staff' } }, async (req, reply) => {
    const q = parseInput(stepUpQuery, { purpose: (req.query as Record<string, unknown>).purpose, next: (req.query as Record<string, unknown>).next });
    return renderStepUp(req, reply, q.purpose, safeNext(q.next, '/staff'), false);
  });

  app.post('/staff/step-up/options', { config: { access: 'staff', strictRateLimit: true } }, async (req, reply) => {
    const { staff } = signedIn(req);
    parseInput(emptyJson, req.body ?? {});
    return reply.send(await passkeyAssertionOptions(ctx, { purpose: 'step-up', userId: staff.userId }));
  });

  app.post('/staff/step-up', { config: { access: 'staff', strictRateLimit: true } }, async (req, reply) => {
    const { staff, details } = signedIn(req);
    const body = parseInput(
      z.object({ ...csrfField, purpose: stepUpQuery.shape.purpose, next: text(512), passkey: text(32_768), code: text(16) }).strict(),
      req.body ?? {},
    );
    const next = safeNext(body.next, '/staff');
    const assertion = body.passkey ? parseCredentialField(authenticationResponseSchema, body.passkey) : null;
    const ok =
      (assertion !== null || body.code !== '') &&
      (await stepUp(ctx, {
        sessionIdHash: details.session.idHash,
        userId: staff.userId,
        roles: details.session.roles,
        purpose: body.purpose,
        passkey: assertion ?? undefined,
        code: assertion ? undefined : body.code,
        requestId: req.id,
      }));
    if (!ok) return renderStepUp(req, reply, body.purpose, next, true, 401);
    return reply.redirect(next, 303);
  });

  // --- Administration of staff accounts -----------------------------------------------------------------

  app.get('/staff/users', { config: { access: MANAGE } }, async (_req, reply) => {
    return reply.page(<UsersPage ctx={reply.viewContext()} users={await listStaffUsers(ctx)} />);
  });

  app.get('/staff/users/new', { config: { access: MANAGE } }, async (req, reply) => {
    return reply.page(
      <NewUserPage ctx={reply.viewContext()} allRoles={ROLES} stepUpFresh={hasFreshStepUp(req)} stepUpHref={stepUpHref('role-change', '/staff/users/new')} />,
    );
  });

  app.post('/staff/users', { config: { access: MANAGE } }, async (req, reply) => {
    requireStepUp(req, 'role-change');
    const body = parseInput(
      z.object({ ...csrfField, email: text(300), displayName: text(300), roles: z.union([z.string(), z.array(z.string())]).optional() }).strict(),
      req.body ?? {},
    );
    const roles = body.roles === undefined ? [] : ([] as string[]).concat(body.roles);
    const values = { email: body.email, displayName: body.displayName, roles };
    const common = { ctx: reply.viewContext(), allRoles: ROLES, stepUpFresh: true, stepUpHref: stepUpHref('role-change', '/staff/users/new') };
    try {
      const created = await createStaffUser(ctx, { ...values, actor: actorOf(req), requestId: req.id });
      return reply.page(<NewUserPage {...common} created={{ email: body.email.trim(), link: created.link, hours: ENROLMENT_TTL_MS / 3_600_000 }} />, 201);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'validation' || err.code === 'conflict')) {
        return reply.page(<NewUserPage {...common} values={values} errors={err.fields} />, err.status);
      }
      throw err;
    }
  });

  async function renderUser(req: FastifyRequest, reply: FastifyReply, userId: string, extra: { notice?: 'rolesSaved' | 'disabled'; link?: string; error?: string }, status = 200) {
    const user = await getStaffUser(ctx, userId);
    if (!user) throw new AppError('not_found');
    return reply.page(
      <UserPage
        ctx={reply.viewContext()}
        user={user}
        allRoles={ROLES}
        stepUpFresh={hasFreshStepUp(req)}
        stepUpHref={stepUpHref('role-change', `/staff/users/${userId}`)}
        {...extra}
      />,
      status,
    );
  }

  app.get('/staff/users/:id', { config: { access: MANAGE } }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const notice = q.notice === 'rolesSaved' || q.notice === 'disabled' ? q.notice : undefined;
    return renderUser(req, reply, userIdParam(req.params), { notice });
  });

  app.post('/staff/users/:id/roles', { config: { access: MANAGE } }, async (req, reply) => {
    const id = userIdParam(req.params);
    requireStepUp(req, 'role-change');
    const body = parseInput(z.object({ ...csrfField, roles: z.union([z.string(), z.array(z.string())]).optional() }).strict(), req.body ?? {});
    try {
      await setUserRoles(ctx, {
        userId: id,
        roles: body.roles === undefined ? [] : ([] as string[]).concat(body.roles),
        actor: actorOf(req),
        requestId: req.id,
      });
    } catch (err) {
      if (err instanceof AppError && (err.code === 'validation' || err.code === 'conflict')) {
        return renderUser(req, reply, id, { error: err.messageKey ?? err.fields[0]?.key ?? 'error.validation.body' }, err.status);
      }
      throw err;
    }
    return reply.redirect(`/staff/users/${id}?notice=rolesSaved`, 303);
  });

  app.post('/staff/users/:id/disable', { config: { access: MANAGE } }, async (req, reply) => {
    const id = userIdParam(req.params);
    parseInput(z.object({ ...csrfField }).strict(), req.body ?? {});
    try {
      await disableUser(ctx, { userId: id, actor: actorOf(req), requestId: req.id });
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') return renderUser(req, reply, id, { error: err.messageKey ?? 'error.conflict.body' }, 409);
      throw err;
    }
    return reply.redirect(`/staff/users/${id}?notice=disabled`, 303);
  });

  app.post('/staff/users/:id/link', { config: { access: MANAGE } }, async (req, reply) => {
    const id = userIdParam(req.params);
    parseInput(z.object({ ...csrfField }).strict(), req.body ?? {});
    const { link } = await reissueEnrolment(ctx, { userId: id, actor: actorOf(req), requestId: req.id });
    return renderUser(req, reply, id, { link });
  });
}
