import type { Child } from 'hono/jsx';
import type { FieldError } from '../../../core/http/errors.ts';
import { LOCALES } from '../../../core/i18n/locales.ts';
import type { PublishedCell } from '../../../core/privacy/suppression.ts';
import { Alert, Breadcrumbs, CsrfField, ErrorSummary, FormGroup, SummaryList, Table, Tag } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { type ResolvedService, findService } from '../appointments.services.ts';
import { CLOSURE_REASONS, HOURS_RANGES_PER_DAY, hoursField, type Contact } from '../appointments.schemas.ts';
import type { BookingSummary } from '../bookings.service.ts';
import { REPORT_MEASURES, type WeeklyReport } from '../reports.service.ts';
import type { SiteView } from '../site-rules.ts';
import type { WalkInTicket } from '../walkins.service.ts';
import { addDays, formatClock } from '../zoned-time.ts';
import { type KnownLanguages, LanguageList, LanguageName, day, time } from './parts.tsx';

/** Which appointment pages the staff member may open (for the sub-navigation and action buttons). */
export interface StaffNavAccess {
  read: boolean;
  update: boolean;
  walkIns: boolean;
  sites: boolean;
  reports: boolean;
}

function serviceTitle(ctx: ViewContext, id: string): string {
  const s = findService(id);
  return s ? ctx.t(s.titleKey) : id;
}

function errorText(ctx: ViewContext, errors: readonly FieldError[], field: string): string | undefined {
  const e = errors.find((x) => x.field === field);
  return e ? ctx.t(e.key, e.values) : undefined;
}

function Frame(props: { ctx: ViewContext; access: StaffNavAccess; title: string; current: string; children?: Child }) {
  const { ctx, access } = props;
  const t = ctx.t;
  const links = [
    access.read ? { href: '/staff/appointments', label: t('appointments.staff.nav.day') } : null,
    access.walkIns ? { href: '/staff/appointments/walk-ins', label: t('appointments.staff.nav.walkIns') } : null,
    access.sites ? { href: '/staff/appointments/sites', label: t('appointments.staff.nav.sites') } : null,
    access.reports ? { href: '/staff/appointments/reports', label: t('appointments.staff.nav.reports') } : null,
  ].filter((l): l is { href: string; label: string } => l !== null);
  return (
    <Layout
      ctx={ctx}
      title={props.title}
      breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.home.title'), href: '/staff' }, { label: t('program.appointments.title'), href: '/staff/appointments' }, { label: props.title }]} />}
    >
      <nav aria-label={t('appointments.staff.nav.label')} class="margin-bottom-2">
        <ul class="usa-button-group">
          {links.map((l) => (
            <li class="usa-button-group__item">
              <a class={`usa-button ${l.href === props.current ? '' : 'usa-button--outline'}`} href={l.href} aria-current={l.href === props.current ? 'page' : undefined}>
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.children}
    </Layout>
  );
}

function SitePicker(props: { ctx: ViewContext; action: string; sites: readonly SiteView[]; siteId?: string; date?: string; allOption?: boolean }) {
  const t = props.ctx.t;
  return (
    <form method="get" action={props.action} class="usa-form sanctuary-filters">
      <div class="usa-form-group">
        <label class="usa-label" for="pick-site">
          {t('appointments.staff.site')}
        </label>
        <select class="usa-select" id="pick-site" name="site">
          {props.allOption ? <option value="">{t('appointments.staff.allSites')}</option> : null}
          {props.sites.map((s) => (
            <option value={s.id} selected={s.id === props.siteId}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      {props.date !== undefined ? (
        <div class="usa-form-group">
          <label class="usa-label" for="pick-date">
            {t('appointments.staff.date')}
          </label>
          <input class="usa-input" id="pick-date" name="date" type="date" value={props.date} />
        </div>
      ) : null}
      <button type="submit" class="usa-button usa-button--outline">
        {t('appointments.staff.show')}
      </button>
    </form>
  );
}

function StatusButtons(props: { ctx: ViewContext; booking: BookingSummary; back: 'day' | 'detail' }) {
  const { ctx, booking } = props;
  const t = ctx.t;
  const actions =
    booking.status === 'booked'
      ? (['arrived', 'served', 'no-show'] as const)
      : booking.status === 'arrived'
        ? (['served', 'booked'] as const)
        : booking.status === 'no-show'
          ? (['booked'] as const)
          : ([] as const);
  if (actions.length === 0) return null;
  return (
    <div class="sanctuary-actions">
      {actions.map((action) => (
        <form method="post" action={`/staff/appointments/bookings/${booking.bookingId}/status`} class="sanctuary-inline-form">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="back" value={props.back} />
          <button type="submit" name="action" value={action} class="usa-button usa-button--outline usa-button--small">
            {t(`appointments.staff.action.${action}`)}
          </button>
        </form>
      ))}
    </div>
  );
}

/** `/staff/appointments`: a site's appointments of a day. */
export function DayView(props: {
  ctx: ViewContext;
  access: StaffNavAccess;
  sites: readonly SiteView[];
  site?: SiteView;
  date: string;
  today: string;
  bookings: readonly BookingSummary[];
  tz: string;
  languages: KnownLanguages;
  notice?: 'updated' | 'notFound';
}) {
  const { ctx, site, bookings } = props;
  const t = ctx.t;
  const title = t('appointments.staff.day.title');
  const active = bookings.filter((b) => b.status !== 'cancelled');
  return (
    <Frame ctx={ctx} access={props.access} title={title} current="/staff/appointments">
      <h1>{title}</h1>
      {props.notice === 'updated' ? <Alert type="success" slim>{t('appointments.staff.updated')}</Alert> : null}
      {props.notice === 'notFound' ? <Alert type="warning" slim>{t('appointments.staff.find.notFound')}</Alert> : null}
      <SitePicker ctx={ctx} action="/staff/appointments" sites={props.sites} siteId={site?.id} date={props.date} />
      {site ? (
        <>
          <p>
            <a class="usa-link" href={`/staff/appointments?site=${site.id}&date=${addDays(props.date, -1)}`}>
              {t('appointments.staff.day.previous')}
            </a>{' '}
            ·{' '}
            <a class="usa-link" href={`/staff/appointments?site=${site.id}&date=${props.today}`}>
              {t('appointments.staff.day.today')}
            </a>{' '}
            ·{' '}
            <a class="usa-link" href={`/staff/appointments?site=${site.id}&date=${addDays(props.date, 1)}`}>
              {t('appointments.staff.day.next')}
            </a>
          </p>
          {bookings.length === 0 ? (
            <p>{t('appointments.staff.day.empty', { day: day(ctx, props.date, true), site: site.name })}</p>
          ) : (
            <Table
              caption={t('appointments.staff.day.caption', { day: day(ctx, props.date, true), site: site.name, n: active.length })}
              headers={[
                t('appointments.staff.column.time'),
                t('appointments.staff.column.reference'),
                t('appointments.staff.column.service'),
                t('appointments.staff.column.language'),
                t('appointments.staff.column.status'),
                t('appointments.staff.column.actions'),
              ]}
              rows={bookings.map((b) => [
                <a class="usa-link" href={`/staff/appointments/bookings/${b.bookingId}`}>
                  {time(ctx, props.tz, b.start)}
                </a>,
                t('appointments.staff.referenceHint', { hint: b.referenceHint }),
                serviceTitle(ctx, b.service),
                <LanguageName code={b.language} languages={props.languages} />,
                <Tag>{t(`appointments.status.${b.status}`)}</Tag>,
                props.access.update ? <StatusButtons ctx={ctx} booking={b} back="day" /> : '',
              ])}
            />
          )}
        </>
      ) : (
        <p>{t('appointments.staff.noSites')}</p>
      )}
      <section class="margin-top-4">
        <h2>{t('appointments.staff.find.title')}</h2>
        <form method="post" action="/staff/appointments/find" class="usa-form">
          <CsrfField ctx={ctx} />
          <FormGroup name="code" label={t('appointments.staff.find.label')} hint={t('appointments.manage.codeHint')} autocomplete="off" maxLength={20} />
          <button type="submit" class="usa-button usa-button--outline">
            {t('appointments.staff.find.submit')}
          </button>
        </form>
      </section>
    </Frame>
  );
}

function contactText(ctx: ViewContext, contact: Contact | undefined): string {
  if (!contact) return ctx.t('appointments.summary.reminders.none');
  return ctx.t(`appointments.staff.contact.${contact.channel}`, { value: contact.value });
}

/** One booking, with its contact (the read is audited). */
export function BookingDetailView(props: { ctx: ViewContext; access: StaffNavAccess; booking: BookingSummary & { contact?: Contact }; tz: string; languages: KnownLanguages; updated: boolean }) {
  const { ctx, booking } = props;
  const t = ctx.t;
  const title = t('appointments.staff.detail.title');
  return (
    <Frame ctx={ctx} access={props.access} title={title} current="">
      <h1>{title}</h1>
      {props.updated ? <Alert type="success" slim>{t('appointments.staff.updated')}</Alert> : null}
      <SummaryList
        rows={[
          { key: t('appointments.staff.column.status'), value: <Tag>{t(`appointments.status.${booking.status}`)}</Tag> },
          { key: t('appointments.summary.what'), value: serviceTitle(ctx, booking.service) },
          { key: t('appointments.summary.when'), value: t('appointments.summary.whenValue', { day: day(ctx, booking.localDate, true), time: time(ctx, props.tz, booking.start) }) },
          { key: t('appointments.summary.where'), value: booking.site.name },
          { key: t('appointments.staff.column.reference'), value: t('appointments.staff.referenceHint', { hint: booking.referenceHint }) },
          { key: t('appointments.summary.language'), value: <LanguageName code={booking.language} languages={props.languages} /> },
          { key: t('appointments.staff.detail.messages'), value: <span lang={booking.locale}>{booking.locale}</span> },
          { key: t('appointments.staff.detail.contact'), value: contactText(ctx, booking.contact) },
          { key: t('appointments.staff.detail.purpose'), value: booking.purposeRef ?? t('appointments.staff.detail.noPurpose') },
          { key: t('appointments.staff.detail.booked'), value: t('appointments.summary.whenValue', { day: day(ctx, booking.createdAt.slice(0, 10), true), time: time(ctx, props.tz, booking.createdAt) }) },
        ]}
      />
      <p class="text-base-dark">{t('appointments.staff.detail.audited')}</p>
      {props.access.update ? (
        <>
          <StatusButtons ctx={ctx} booking={booking} back="detail" />
          {booking.status === 'booked' ? (
            <form method="post" action={`/staff/appointments/bookings/${booking.bookingId}/status`} class="margin-top-2">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="back" value="detail" />
              <button type="submit" name="action" value="cancelled" class="usa-button usa-button--secondary">
                {t('appointments.staff.action.cancelled')}
              </button>
            </form>
          ) : null}
        </>
      ) : null}
      <p class="margin-top-3">
        <a class="usa-link" href={`/staff/appointments?site=${booking.site.id}&date=${booking.localDate}`}>
          {t('appointments.staff.detail.backToDay')}
        </a>
      </p>
    </Frame>
  );
}

/** The walk-in queue of a site. */
export function WalkInsView(props: {
  ctx: ViewContext;
  access: StaffNavAccess;
  sites: readonly SiteView[];
  site?: SiteView;
  queue: readonly WalkInTicket[];
  languages: KnownLanguages;
  tz: string;
  issued?: string;
  called?: string;
}) {
  const { ctx, site, queue } = props;
  const t = ctx.t;
  const title = t('appointments.staff.walkIns.title');
  const waiting = queue.filter((q) => q.status === 'waiting').length;
  return (
    <Frame ctx={ctx} access={props.access} title={title} current="/staff/appointments/walk-ins">
      <h1>{title}</h1>
      {props.issued ? (
        <Alert type="success" heading={t('appointments.staff.walkIns.issued', { ticket: props.issued })}>
          {t('appointments.staff.walkIns.issuedBody')}
        </Alert>
      ) : null}
      {props.called ? (
        <Alert type={props.called === 'none' ? 'info' : 'success'}>
          {props.called === 'none' ? t('appointments.staff.walkIns.nobody') : t('appointments.staff.walkIns.called', { ticket: props.called })}
        </Alert>
      ) : null}
      <SitePicker ctx={ctx} action="/staff/appointments/walk-ins" sites={props.sites} siteId={site?.id} />
      {site ? (
        <>
          <div class="grid-row grid-gap">
            <form method="post" action="/staff/appointments/walk-ins" class="usa-form grid-col-12 tablet:grid-col-6">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="site" value={site.id} />
              <FormGroup
                name="language"
                type="select"
                label={t('appointments.staff.walkIns.language')}
                choices={site.languages.map((c) => ({ value: c, label: props.languages.find((l) => l.code === c)?.nativeName ?? c, lang: c }))}
              />
              <button type="submit" class="usa-button">
                {t('appointments.staff.walkIns.add')}
              </button>
            </form>
            <form method="post" action="/staff/appointments/walk-ins/call" class="usa-form grid-col-12 tablet:grid-col-6">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="site" value={site.id} />
              <FormGroup
                name="language"
                type="select"
                label={t('appointments.staff.walkIns.callLanguage')}
                choices={[{ value: '', label: t('appointments.staff.walkIns.anyLanguage') }, ...site.languages.map((c) => ({ value: c, label: props.languages.find((l) => l.code === c)?.nativeName ?? c, lang: c }))]}
              />
              <button type="submit" class="usa-button usa-button--accent-cool">
                {t('appointments.staff.walkIns.callNext', { n: waiting })}
              </button>
            </form>
          </div>
          {queue.length === 0 ? (
            <p>{t('appointments.staff.walkIns.empty')}</p>
          ) : (
            <Table
              caption={t('appointments.staff.walkIns.caption', { site: site.name, n: waiting })}
              headers={[t('appointments.staff.column.ticket'), t('appointments.staff.column.language'), t('appointments.staff.column.status'), t('appointments.staff.column.arrived'), t('appointments.staff.column.actions')]}
              rows={queue.map((w) => [
                String(w.ticket),
                <LanguageName code={w.language} languages={props.languages} />,
                <Tag>{t(`appointments.walkIn.${w.status}`)}</Tag>,
                time(ctx, props.tz, w.createdAt),
                w.status === 'served' || w.status === 'no-show' ? (
                  ''
                ) : (
                  <div class="sanctuary-actions">
                    {(w.status === 'called' ? (['served', 'no-show', 'waiting'] as const) : (['served', 'no-show'] as const)).map((s) => (
                      <form method="post" action={`/staff/appointments/walk-ins/${w.id}/status`} class="sanctuary-inline-form">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="site" value={site.id} />
                        <button type="submit" name="status" value={s} class="usa-button usa-button--outline usa-button--small">
                          {t(`appointments.staff.walkIns.action.${s}`)}
                        </button>
                      </form>
                    ))}
                  </div>
                ),
              ])}
            />
          )}
          <p>
            <a class="usa-link" href={`/appointments/sites/${site.id}/now-serving`}>
              {t('appointments.staff.walkIns.display')}
            </a>
          </p>
        </>
      ) : (
        <p>{t('appointments.staff.noSites')}</p>
      )}
    </Frame>
  );
}

/** Every site, for administrators. */
export function SitesView(props: { ctx: ViewContext; access: StaffNavAccess; sites: readonly SiteView[]; languages: KnownLanguages }) {
  const { ctx } = props;
  const t = ctx.t;
  const title = t('appointments.staff.sites.title');
  return (
    <Frame ctx={ctx} access={props.access} title={title} current="/staff/appointments/sites">
      <h1>{title}</h1>
      <p>
        <a class="usa-button" href="/staff/appointments/sites/new">
          {t('appointments.staff.sites.add')}
        </a>
      </p>
      {props.sites.length === 0 ? (
        <p>{t('appointments.staff.noSites')}</p>
      ) : (
        <Table
          caption={t('appointments.staff.sites.caption', { n: props.sites.length })}
          headers={[t('appointments.staff.sites.name'), t('appointments.site.languages'), t('appointments.staff.sites.services'), t('appointments.staff.sites.state')]}
          rows={props.sites.map((s) => [
            <a class="usa-link" href={`/staff/appointments/sites/${s.id}`}>
              {s.name}
            </a>,
            <LanguageList codes={s.languages} languages={props.languages} />,
            s.services
              .filter((x) => x.active)
              .map((x) => t('appointments.staff.sites.serviceCapacity', { service: serviceTitle(ctx, x.serviceId), n: x.capacity }))
              .join('; ') || t('appointments.staff.sites.noServices'),
            <Tag>{s.active ? t('appointments.staff.sites.active') : t('appointments.staff.sites.inactive')}</Tag>,
          ])}
        />
      )}
    </Frame>
  );
}

function str(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

/** Create a site, or change one: details, hours, closures, services. */
export function SiteEditView(props: {
  ctx: ViewContext;
  access: StaffNavAccess;
  languages: KnownLanguages;
  services: readonly ResolvedService[];
  site?: SiteView;
  errors: readonly FieldError[];
  values: Record<string, unknown>;
  saved?: string;
  tz: string;
}) {
  const { ctx, site, errors, values } = props;
  const t = ctx.t;
  const title = site ? t('appointments.staff.sites.editTitle', { site: site.name }) : t('appointments.staff.sites.newTitle');
  const offered = new Set(props.languages.map((l) => l.code));
  const chosen = Array.isArray(values.languages) ? (values.languages as string[]) : typeof values.languages === 'string' ? [values.languages] : (site?.languages ?? []);
  const hasValues = Object.keys(values).length > 0;
  return (
    <Frame ctx={ctx} access={props.access} title={errors.length > 0 ? t('appointments.errorTitle', { title }) : title} current="/staff/appointments/sites">
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      {props.saved ? <Alert type="success" slim>{t(`appointments.staff.sites.saved.${props.saved}`)}</Alert> : null}

      <h2>{t('appointments.staff.sites.details')}</h2>
      <form method="post" action={site ? `/staff/appointments/sites/${site.id}` : '/staff/appointments/sites'} novalidate class="usa-form usa-form--large">
        <CsrfField ctx={ctx} />
        <FormGroup name="name" label={t('appointments.staff.sites.name')} error={errorText(ctx, errors, 'name')} value={hasValues ? str(values, 'name') : site?.name} maxLength={120} />
        <FormGroup name="address" label={t('appointments.site.address')} hint={t('appointments.staff.sites.addressHint')} error={errorText(ctx, errors, 'address')} value={hasValues ? str(values, 'address') : site?.address} maxLength={300} />
        <FormGroup
          name="languages"
          type="checkbox"
          label={t('appointments.site.languages')}
          error={errorText(ctx, errors, 'languages')}
          value={chosen.filter((c) => offered.has(c))}
          choices={props.languages.map((l) => ({ value: l.code, label: l.nativeName, lang: l.code }))}
        />
        <FormGroup
          name="otherLanguages"
          label={t('appointments.staff.sites.otherLanguages')}
          hint={t('appointments.staff.sites.otherLanguagesHint')}
          error={errorText(ctx, errors, 'otherLanguages')}
          value={hasValues ? str(values, 'otherLanguages') : chosen.filter((c) => !offered.has(c)).join(', ')}
          maxLength={200}
        />
        {LOCALES.map((l) => (
          <FormGroup
            name={`accessibility_${l}`}
            type="textarea"
            label={t('appointments.staff.sites.accessibility', { language: props.languages.find((x) => x.code === l)?.englishName ?? l })}
            value={hasValues ? str(values, `accessibility_${l}`) : site?.accessibility[l]}
            maxLength={600}
          />
        ))}
        <FormGroup
          name="active"
          type="radio"
          label={t('appointments.staff.sites.state')}
          value={hasValues ? str(values, 'active') : site && !site.active ? '0' : '1'}
          choices={[
            { value: '1', label: t('appointments.staff.sites.active') },
            { value: '0', label: t('appointments.staff.sites.inactive') },
          ]}
        />
        <button type="submit" class="usa-button">
          {t('appointments.staff.sites.saveDetails')}
        </button>
      </form>

      {site ? (
        <>
          <h2 class="margin-top-5">{t('appointments.staff.sites.hours')}</h2>
          <p>{t('appointments.staff.sites.hoursHint')}</p>
          <form method="post" action={`/staff/appointments/sites/${site.id}/hours`} novalidate class="usa-form usa-form--large">
            <CsrfField ctx={ctx} />
            {[1, 2, 3, 4, 5, 6, 0].map((d) => {
              const ranges = site.hours.filter((h) => h.weekday === d).sort((a, b) => a.opens - b.opens);
              return (
                <fieldset class="usa-fieldset margin-bottom-2">
                  <legend class="usa-legend">{t(`appointments.weekday.${d}`)}</legend>
                  {Array.from({ length: HOURS_RANGES_PER_DAY }, (_, i) => {
                    const r = ranges[i];
                    const opens = hoursField(d, i, 'opens');
                    const closes = hoursField(d, i, 'closes');
                    return (
                      <div class="grid-row grid-gap-2">
                        <div class="grid-col-6">
                          <FormGroup name={opens} label={t('appointments.staff.sites.opens', { n: i + 1 })} error={errorText(ctx, errors, opens)} value={hasValues ? str(values, opens) : r ? formatClock(r.opens) : ''} maxLength={5} inputMode="numeric" />
                        </div>
                        <div class="grid-col-6">
                          <FormGroup name={closes} label={t('appointments.staff.sites.closes', { n: i + 1 })} error={errorText(ctx, errors, closes)} value={hasValues ? str(values, closes) : r ? formatClock(r.closes) : ''} maxLength={5} inputMode="numeric" />
                        </div>
                      </div>
                    );
                  })}
                </fieldset>
              );
            })}
            <button type="submit" class="usa-button">
              {t('appointments.staff.sites.saveHours')}
            </button>
          </form>

          <h2 class="margin-top-5">{t('appointments.staff.sites.closures')}</h2>
          <p>{t('appointments.staff.sites.closuresHint')}</p>
          {site.closures.length > 0 ? (
            <ul class="usa-list">
              {site.closures.map((c) => (
                <li>
                  {c.fromDate === c.toDate ? day(ctx, c.fromDate, true) : t('appointments.waitlist.range', { from: day(ctx, c.fromDate, true), to: day(ctx, c.toDate, true) })} —{' '}
                  {t(`appointments.closure.${c.reason}`)}
                  <form method="post" action={`/staff/appointments/sites/${site.id}/closures/${c.id}/delete`} class="sanctuary-inline-form">
                    <CsrfField ctx={ctx} />
                    <button type="submit" class="usa-button usa-button--unstyled margin-left-1">
                      {t('appointments.staff.sites.removeClosure')}
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          ) : null}
          <form method="post" action={`/staff/appointments/sites/${site.id}/closures`} novalidate class="usa-form usa-form--large">
            <CsrfField ctx={ctx} />
            <FormGroup name="fromDate" type="date" label={t('appointments.waitlist.from')} error={errorText(ctx, errors, 'fromDate')} value={str(values, 'fromDate')} />
            <FormGroup name="toDate" type="date" label={t('appointments.waitlist.to')} hint={t('appointments.staff.sites.toDateHint')} error={errorText(ctx, errors, 'toDate')} value={str(values, 'toDate')} />
            <FormGroup
              name="reason"
              type="select"
              label={t('appointments.staff.sites.reason')}
              error={errorText(ctx, errors, 'reason')}
              value={str(values, 'reason')}
              choices={CLOSURE_REASONS.map((r) => ({ value: r, label: t(`appointments.closure.${r}`) }))}
            />
            <button type="submit" class="usa-button">
              {t('appointments.staff.sites.addClosure')}
            </button>
          </form>

          <h2 class="margin-top-5">{t('appointments.staff.sites.servicesTitle')}</h2>
          {props.services.map((s) => {
            const offer = site.services.find((x) => x.serviceId === s.id);
            return (
              <form method="post" action={`/staff/appointments/sites/${site.id}/services`} novalidate class="usa-form usa-form--large margin-bottom-3">
                <CsrfField ctx={ctx} />
                <input type="hidden" name="service" value={s.id} />
                <h3>{t(s.titleKey)}</h3>
                <p>{t('appointments.staff.sites.slotLength', { minutes: s.slotMinutes })}</p>
                <FormGroup
                  name="capacity"
                  label={t('appointments.staff.sites.capacity')}
                  error={str(values, 'service') === s.id ? errorText(ctx, errors, 'capacity') : undefined}
                  value={String(offer?.capacity ?? 0)}
                  inputMode="numeric"
                  maxLength={4}
                />
                <FormGroup
                  name="active"
                  type="select"
                  label={t('appointments.staff.sites.offered')}
                  value={offer?.active ? '1' : '0'}
                  choices={[
                    { value: '1', label: t('appointments.staff.sites.offeredYes') },
                    { value: '0', label: t('appointments.staff.sites.offeredNo') },
                  ]}
                />
                <button type="submit" class="usa-button usa-button--outline">
                  {t('appointments.staff.sites.saveService')}
                </button>
              </form>
            );
          })}
          <p>
            <a class="usa-link" href={`/appointments/sites/${site.id}/now-serving`}>
              {t('appointments.staff.walkIns.display')}
            </a>
          </p>
        </>
      ) : null}
    </Frame>
  );
}

function cell(ctx: ViewContext, c: PublishedCell): string {
  return c.suppressed ? ctx.t('appointments.reports.hidden') : ctx.t('appointments.reports.number', { n: c.value });
}

/** Weekly figures, suppressed. */
export function ReportsView(props: { ctx: ViewContext; access: StaffNavAccess; sites: readonly SiteView[]; siteId?: string; report: WeeklyReport }) {
  const { ctx, report } = props;
  const t = ctx.t;
  const title = t('appointments.reports.title');
  return (
    <Frame ctx={ctx} access={props.access} title={title} current="/staff/appointments/reports">
      <h1>{title}</h1>
      <p>{t('appointments.reports.intro', { max: report.smallCellMax })}</p>
      <SitePicker ctx={ctx} action="/staff/appointments/reports" sites={props.sites} siteId={props.siteId} allOption />
      <Table
        caption={t('appointments.reports.caption')}
        headers={[
          t('appointments.reports.week'),
          ...REPORT_MEASURES.map((m) => t(`appointments.reports.measure.${m}`)),
          t('appointments.reports.leadDays'),
          t('appointments.reports.walkInWait'),
        ]}
        numeric={[1, 2, 3, 4, 5, 6, 7]}
        rows={[
          ...report.weeks.map((w) => [day(ctx, w.weekStart, true), ...REPORT_MEASURES.map((m) => cell(ctx, w.counts[m])), cell(ctx, w.medianLeadDays), cell(ctx, w.medianWalkInWaitMinutes)]),
          [t('appointments.reports.total'), ...REPORT_MEASURES.map((m) => cell(ctx, report.totals[m])), '', ''],
        ]}
      />
    </Frame>
  );
}
