import { Alert, Breadcrumbs, CsrfField, FormGroup, Tag } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { StaffUserSummary } from '../accounts.service.ts';
import type { Role } from '../permissions.ts';
import type { StepUpPurpose } from '../session-hook.ts';

/** Translated name of a role. */
export function roleLabel(ctx: ViewContext, role: string): string {
  return ctx.t(`auth.role.${role}`);
}

/** Formats an ISO timestamp as a date and time in the page's language (UTC shown explicitly). */
export function formatTime(ctx: ViewContext, iso: string | null): string {
  if (!iso) return ctx.t('auth.never');
  return new Intl.DateTimeFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso));
}

/** The staff home: who is signed in, with which roles, and where to go. */
export function StaffHomePage(props: {
  ctx: ViewContext;
  roles: readonly Role[];
  withheldRoles: readonly Role[];
  demoWithoutPasskey: boolean;
  links: ReadonlyArray<{ href: string; label: string }>;
}) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('staff.home.title')}>
      <h1>{t('staff.home.title')}</h1>
      <p class="usa-intro">{t('auth.home.greeting', { name: ctx.staff?.displayName ?? '' })}</p>
      {props.demoWithoutPasskey ? (
        <Alert type="warning" heading={t('auth.home.demoNoPasskey.title')}>
          {t('auth.home.demoNoPasskey.body')}
        </Alert>
      ) : null}
      {props.withheldRoles.length > 0 ? (
        <Alert type="warning" heading={t('auth.home.withheld.title')}>
          {t('auth.home.withheld.body', { roles: props.withheldRoles.map((r) => roleLabel(ctx, r)).join(', ') })}
        </Alert>
      ) : null}
      <h2>{t('auth.home.roles')}</h2>
      <p>
        {props.roles.length === 0 ? t('auth.home.noRoles') : props.roles.map((r) => <Tag>{roleLabel(ctx, r)}</Tag>)}
      </p>
      <h2>{t('auth.home.areas')}</h2>
      {props.links.length === 0 ? (
        <p>{t('auth.home.noAreas')}</p>
      ) : (
        <ul class="usa-list">
          {props.links.map((l) => (
            <li>
              <a class="usa-link" href={l.href}>
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a class="usa-link" href="/staff/account">
          {t('auth.account.title')}
        </a>
      </p>
    </Layout>
  );
}

/** The signed-in user's own account: factors and adding a passkey. */
export function AccountPage(props: { ctx: ViewContext; user: StaffUserSummary; error?: 'password' | 'passkey' }) {
  const { ctx, user } = props;
  const t = ctx.t;
  return (
    <Layout
      ctx={ctx}
      title={t('auth.account.title')}
      breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.home.title'), href: '/staff' }, { label: t('auth.account.title') }]} />}
    >
      <h1>{t('auth.account.title')}</h1>
      {props.error ? (
        <Alert type="error" heading={t('auth.passkey.notVerified.title')}>
          {t(props.error === 'password' ? 'auth.account.passwordWrong' : 'auth.passkey.notVerified.body')}
        </Alert>
      ) : null}
      <dl class="sanctuary-summary-list">
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{t('auth.field.email')}</dt>
          <dd class="sanctuary-summary-list__value">{user.email}</dd>
        </div>
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{t('auth.field.name')}</dt>
          <dd class="sanctuary-summary-list__value">{user.displayName}</dd>
        </div>
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{t('auth.users.col.factors')}</dt>
          <dd class="sanctuary-summary-list__value">{user.factors.map((f) => t(`auth.factor.${f}`)).join(', ')}</dd>
        </div>
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{t('auth.account.passkeys')}</dt>
          <dd class="sanctuary-summary-list__value">{t('auth.account.passkeyCount', { count: user.passkeys })}</dd>
        </div>
      </dl>
      <h2>{t('auth.account.addPasskey.heading')}</h2>
      <p>{t('auth.account.addPasskey.body')}</p>
      <p class="sanctuary-passkey__nojs" data-passkey-nojs>
        {t('auth.passkey.needsJs')}
      </p>
      <form method="post" action="/staff/account/passkey" class="usa-form" id="passkey-form">
        <CsrfField ctx={ctx} />
        <FormGroup name="password" type="password" label={t('auth.account.currentPassword')} autocomplete="current-password" required maxLength={1024} />
        <input type="hidden" name="credential" id="account-credential" value="" />
        <button
          type="button"
          class="usa-button"
          hidden
          data-passkey="create"
          data-options-url="/staff/account/passkey-options"
          data-response-field="account-credential"
          data-error-text={t('auth.passkey.failed')}
        >
          {t('auth.account.addPasskey.button')}
        </button>
        <p class="usa-error-message" data-passkey-error hidden role="alert"></p>
      </form>
      <script src="/assets/app/passkey.js" defer></script>
    </Layout>
  );
}

/** The step-up ceremony: confirm with a passkey (or, for demo accounts in DEMO mode, a code). */
export function StepUpPage(props: { ctx: ViewContext; purpose: StepUpPurpose; next: string; demoCode: boolean; hasPasskey: boolean; failed?: boolean }) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('auth.stepUp.title')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          {props.failed ? (
            <Alert type="error" heading={t('auth.passkey.notVerified.title')}>
              {t('auth.passkey.notVerified.body')}
            </Alert>
          ) : null}
          <h1>{t('auth.stepUp.title')}</h1>
          <p class="usa-intro">{t(`auth.stepUp.purpose.${props.purpose}`)}</p>
          <p>{t('auth.stepUp.body')}</p>
          {props.hasPasskey ? null : (
            <Alert type="warning">
              {t('auth.stepUp.noPasskey')}{' '}
              <a class="usa-link" href="/staff/account">
                {t('auth.account.title')}
              </a>
            </Alert>
          )}
          <p class="sanctuary-passkey__nojs" data-passkey-nojs>
            {t('auth.passkey.needsJs')}
          </p>
          <form method="post" action="/staff/step-up" class="usa-form" id="step-up-form">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="purpose" value={props.purpose} />
            <input type="hidden" name="next" value={props.next} />
            <input type="hidden" name="passkey" id="step-up-passkey" value="" />
            <button
              type="button"
              class="usa-button"
              hidden
              data-passkey="get"
              data-options-url="/staff/step-up/options"
              data-response-field="step-up-passkey"
              data-error-text={t('auth.passkey.failed')}
            >
              {t('auth.stepUp.button')}
            </button>
            <p class="usa-error-message" data-passkey-error hidden role="alert"></p>
            {props.demoCode ? (
              <div class="sanctuary-demo-stepup">
                <Alert type="warning" heading={t('auth.stepUp.demo.title')}>
                  {t('auth.stepUp.demo.body')}
                </Alert>
                <FormGroup name="code" label={t('auth.field.code')} hint={t('auth.field.code.hint')} autocomplete="one-time-code" inputMode="numeric" maxLength={9} />
                <button type="submit" class="usa-button usa-button--outline">
                  {t('auth.stepUp.demo.submit')}
                </button>
              </div>
            ) : null}
          </form>
        </div>
      </div>
      <script src="/assets/app/passkey.js" defer></script>
    </Layout>
  );
}

function StatusTag(props: { ctx: ViewContext; status: StaffUserSummary['status'] }) {
  return <Tag>{props.ctx.t(`auth.status.${props.status}`)}</Tag>;
}

/** Administration: the list of staff accounts. */
export function UsersPage(props: { ctx: ViewContext; users: readonly StaffUserSummary[] }) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <Layout
      ctx={ctx}
      title={t('auth.users.title')}
      breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.home.title'), href: '/staff' }, { label: t('auth.users.title') }]} />}
    >
      <h1>{t('auth.users.title')}</h1>
      <p>
        <a class="usa-button" href="/staff/users/new">
          {t('auth.users.new.title')}
        </a>
      </p>
      <div class="usa-table-container--scrollable" tabindex={0}>
        <table class="usa-table usa-table--borderless">
          <caption>{t('auth.users.caption', { count: props.users.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('auth.users.col.email')}</th>
              <th scope="col">{t('auth.users.col.name')}</th>
              <th scope="col">{t('auth.users.col.roles')}</th>
              <th scope="col">{t('auth.users.col.status')}</th>
              <th scope="col">{t('auth.users.col.factors')}</th>
              <th scope="col">{t('auth.users.col.lastLogin')}</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr>
                <th scope="row">
                  <a class="usa-link" href={`/staff/users/${u.id}`}>
                    {u.email}
                  </a>
                </th>
                <td>{u.displayName}</td>
                <td>{u.roles.map((r) => roleLabel(ctx, r)).join(', ')}</td>
                <td>
                  <StatusTag ctx={ctx} status={u.status} />
                </td>
                <td>{u.factors.map((f) => t(`auth.factor.${f}`)).join(', ')}</td>
                <td>{formatTime(ctx, u.lastLoginAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

function RoleCheckboxes(props: { ctx: ViewContext; roles: readonly string[]; selected: readonly string[]; error?: string }) {
  const { ctx } = props;
  return (
    <FormGroup
      name="roles"
      type="checkbox"
      label={ctx.t('auth.users.col.roles')}
      hint={ctx.t('auth.users.roles.hint')}
      value={props.selected}
      error={props.error}
      choices={props.roles.map((r) => ({ value: r, label: roleLabel(ctx, r), hint: ctx.t(`auth.role.${r}.hint`) }))}
    />
  );
}

/** Administration: one account — roles (needs a step-up), new enrolment link, disable. */
export function UserPage(props: {
  ctx: ViewContext;
  user: StaffUserSummary;
  allRoles: readonly Role[];
  stepUpFresh: boolean;
  stepUpHref: string;
  notice?: 'rolesSaved' | 'disabled';
  link?: string;
  error?: string;
}) {
  const { ctx, user } = props;
  const t = ctx.t;
  return (
    <Layout
      ctx={ctx}
      title={user.email}
      breadcrumbs={
        <Breadcrumbs
          ctx={ctx}
          items={[{ label: t('staff.home.title'), href: '/staff' }, { label: t('auth.users.title'), href: '/staff/users' }, { label: user.email }]}
        />
      }
    >
      <h1>{user.email}</h1>
      {props.notice ? <Alert type="success" slim>{t(`auth.users.notice.${props.notice}`)}</Alert> : null}
      {props.error ? <Alert type="error" slim>{t(props.error)}</Alert> : null}
      {props.link ? (
        <Alert type="info" heading={t('auth.users.link.title')}>
          <p>{t('auth.users.link.body')}</p>
          <p class="sanctuary-secret">{props.link}</p>
        </Alert>
      ) : null}
      <dl class="sanctuary-summary-list">
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{t('auth.field.name')}</dt>
          <dd class="sanctuary-summary-list__value">{user.displayName}</dd>
        </div>
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{t('auth.users.col.status')}</dt>
          <dd class="sanctuary-summary-list__value">
            <StatusTag ctx={ctx} status={user.status} />
          </dd>
        </div>
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{t('auth.users.col.factors')}</dt>
          <dd class="sanctuary-summary-list__value">{user.factors.map((f) => t(`auth.factor.${f}`)).join(', ') || t('auth.none')}</dd>
        </div>
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{t('auth.users.col.lastLogin')}</dt>
          <dd class="sanctuary-summary-list__value">{formatTime(ctx, user.lastLoginAt)}</dd>
        </div>
      </dl>

      <h2>{t('auth.users.roles.heading')}</h2>
      {props.stepUpFresh ? (
        <form method="post" action={`/staff/users/${user.id}/roles`} class="usa-form">
          <CsrfField ctx={ctx} />
          <RoleCheckboxes ctx={ctx} roles={props.allRoles} selected={user.roles} />
          <button type="submit" class="usa-button">
            {t('auth.users.roles.save')}
          </button>
        </form>
      ) : (
        <>
          <p>{user.roles.map((r) => roleLabel(ctx, r)).join(', ')}</p>
          <p>{t('auth.users.roles.stepUpFirst')}</p>
          <p>
            <a class="usa-button usa-button--outline" href={props.stepUpHref}>
              {t('auth.users.roles.change')}
            </a>
          </p>
        </>
      )}

      {user.status === 'pending' ? (
        <>
          <h2>{t('auth.users.link.heading')}</h2>
          <p>{t('auth.users.link.explain')}</p>
          <form method="post" action={`/staff/users/${user.id}/link`}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="usa-button usa-button--outline">
              {t('auth.users.link.button')}
            </button>
          </form>
        </>
      ) : null}

      {user.status !== 'disabled' ? (
        <>
          <h2>{t('auth.users.disable.heading')}</h2>
          <p>{t('auth.users.disable.explain')}</p>
          <form method="post" action={`/staff/users/${user.id}/disable`}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="usa-button usa-button--secondary">
              {t('auth.users.disable.button')}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

/** Administration: create an account (needs a step-up: it grants roles). */
export function NewUserPage(props: {
  ctx: ViewContext;
  allRoles: readonly Role[];
  stepUpFresh: boolean;
  stepUpHref: string;
  values?: { email?: string; displayName?: string; roles?: readonly string[] };
  errors?: ReadonlyArray<{ field: string; key: string }>;
  created?: { email: string; link: string; hours: number };
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const err = (field: string) => {
    const e = errors.find((x) => x.field === field);
    return e ? t(e.key) : undefined;
  };
  return (
    <Layout
      ctx={ctx}
      title={t('auth.users.new.title')}
      breadcrumbs={
        <Breadcrumbs
          ctx={ctx}
          items={[{ label: t('staff.home.title'), href: '/staff' }, { label: t('auth.users.title'), href: '/staff/users' }, { label: t('auth.users.new.title') }]}
        />
      }
    >
      <h1>{t('auth.users.new.title')}</h1>
      {props.created ? (
        <Alert type="success" heading={t('auth.users.created.title', { email: props.created.email })}>
          <p>{t('auth.users.created.body', { hours: props.created.hours })}</p>
          <p class="sanctuary-secret">{props.created.link}</p>
        </Alert>
      ) : null}
      {errors.length > 0 ? (
        <div class="usa-alert usa-alert--error" role="alert" id="error-summary" tabindex={-1}>
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading">{t('form.errorSummary.title')}</h2>
            <ul class="usa-list">
              {errors.map((e) => (
                <li>
                  <a class="usa-link" href={`#field-${e.field}`}>
                    {t(e.key)}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      {props.stepUpFresh ? (
        <form method="post" action="/staff/users" class="usa-form usa-form--large" novalidate>
          <CsrfField ctx={ctx} />
          <FormGroup name="email" type="email" label={t('auth.field.email')} value={props.values?.email ?? ''} autocomplete="off" maxLength={254} error={err('email')} />
          <FormGroup name="displayName" label={t('auth.field.name')} value={props.values?.displayName ?? ''} autocomplete="off" maxLength={100} error={err('displayName')} />
          <RoleCheckboxes ctx={ctx} roles={props.allRoles} selected={props.values?.roles ?? []} error={err('roles')} />
          <button type="submit" class="usa-button">
            {t('auth.users.new.submit')}
          </button>
        </form>
      ) : (
        <>
          <p>{t('auth.users.roles.stepUpFirst')}</p>
          <p>
            <a class="usa-button" href={props.stepUpHref}>
              {t('auth.stepUp.title')}
            </a>
          </p>
        </>
      )}
    </Layout>
  );
}
