import type { FieldError } from '../../../core/http/errors.ts';
import { ReferenceCode } from '../../../core/forms/views/reference-code.tsx';
import { Alert, BackLink, Breadcrumbs, CsrfField, ErrorSummary, FormGroup, SummaryList } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import type { SiteAvailability, SlotAvailability } from '../availability.service.ts';
import { type ResolvedService, findService } from '../appointments.services.ts';
import type { BookingSummary } from '../bookings.service.ts';
import { mondayOf } from '../reports.service.ts';
import type { SiteView } from '../site-rules.ts';
import type { OfferView, WaitlistSummary } from '../waitlist.service.ts';
import { OFFER_HOLD_MINUTES } from '../waitlist.service.ts';
import { BOOKING_RETENTION_DAYS } from '../appointments.retention.ts';
import { localDateOf } from '../zoned-time.ts';
import { type KnownLanguages, LanguageName, SiteFacts, day, time } from './parts.tsx';

function serviceTitle(ctx: ViewContext, id: string): string {
  const s = findService(id);
  return s ? ctx.t(s.titleKey) : id;
}

function errorText(ctx: ViewContext, errors: readonly FieldError[], field: string): string | undefined {
  const e = errors.find((x) => x.field === field);
  return e ? ctx.t(e.key, e.values) : undefined;
}

function pageTitle(ctx: ViewContext, title: string, errors: readonly FieldError[]): string {
  return errors.length > 0 ? ctx.t('appointments.errorTitle', { title }) : title;
}

function crumbs(ctx: ViewContext, items: ReadonlyArray<{ label: string; href?: string }>) {
  return <Breadcrumbs ctx={ctx} items={[{ label: ctx.t('appointments.public.title'), href: '/appointments' }, ...items]} />;
}

/** What is kept, why, for how long (DESIGN §3 rule 10: every form says so). */
function PrivacyNote(props: { ctx: ViewContext; waitlist?: boolean }) {
  const t = props.ctx.t;
  return (
    <div class="usa-summary-box margin-y-3" role="region" aria-labelledby="privacy-note-heading">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id="privacy-note-heading">
          {t('appointments.privacy.title')}
        </h2>
        <div class="usa-summary-box__text">
          <p>{props.waitlist ? t('appointments.privacy.waitlist') : t('appointments.privacy.booking', { days: BOOKING_RETENTION_DAYS })}</p>
          <p>{t('appointments.privacy.never')}</p>
        </div>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------

/** `/appointments`: the services residents can book. */
export function ServicesPage(props: { ctx: ViewContext; services: ReadonlyArray<{ service: ResolvedService; sites: number }> }) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('appointments.public.title')}>
      <h1>{t('appointments.public.title')}</h1>
      <p class="usa-intro">{t('appointments.public.intro')}</p>
      {props.services.length === 0 ? <p>{t('appointments.public.none')}</p> : null}
      <ul class="usa-card-group">
        {props.services.map(({ service, sites }) => (
          <li class="usa-card tablet:grid-col-6">
            <div class="usa-card__container">
              <div class="usa-card__header">
                <h2 class="usa-card__heading">{t(service.titleKey)}</h2>
              </div>
              <div class="usa-card__body">
                {service.descriptionKey ? <p>{t(service.descriptionKey)}</p> : null}
                <p>{t('appointments.public.places', { n: sites })}</p>
              </div>
              <div class="usa-card__footer">
                <a class="usa-button" href={`/appointments/book/${service.id}`}>
                  {t('appointments.public.choose')}
                </a>
              </div>
            </div>
          </li>
        ))}
      </ul>
      <h2>{t('appointments.public.manageTitle')}</h2>
      <p>
        <a class="usa-link" href="/appointments/manage">
          {t('appointments.public.manageLink')}
        </a>
      </p>
    </Layout>
  );
}

/** `/appointments/book/:service`: where. */
export function SitesPage(props: { ctx: ViewContext; service: ResolvedService; sites: readonly SiteView[]; languages: KnownLanguages; tz: string }) {
  const { ctx, service } = props;
  const t = ctx.t;
  const title = t('appointments.sites.title');
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, [{ label: t(service.titleKey) }])}>
      <h1>{title}</h1>
      <p class="usa-intro">{t('appointments.sites.intro', { service: t(service.titleKey) })}</p>
      {props.sites.map((site) => (
        <section class="margin-bottom-5">
          <h2>{site.name}</h2>
          <SiteFacts ctx={ctx} site={site} languages={props.languages} hours />
          <a class="usa-button" href={`/appointments/book/${service.id}/${site.id}`}>
            {t('appointments.sites.seeTimes', { site: site.name })}
          </a>
        </section>
      ))}
    </Layout>
  );
}

/** Days with free times, grouped by week; links only, no JavaScript. */
export function DaysPage(props: { ctx: ViewContext; service: ResolvedService; availability: SiteAvailability; languages: KnownLanguages; mode: 'book' | 'reschedule' }) {
  const { ctx, service, availability } = props;
  const t = ctx.t;
  const site = availability.site;
  const weeks = new Map<string, typeof availability.days>();
  for (const d of availability.days) {
    const monday = mondayOf(d.date);
    weeks.set(monday, [...(weeks.get(monday) ?? []), d]);
  }
  const href = (date: string) => (props.mode === 'book' ? `/appointments/book/${service.id}/${site.id}/${date}` : `/appointments/manage/reschedule/${date}`);
  const title = props.mode === 'book' ? t('appointments.days.title') : t('appointments.reschedule.daysTitle');
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={props.mode === 'book' ? crumbs(ctx, [{ label: t(service.titleKey), href: `/appointments/book/${service.id}` }, { label: site.name }]) : undefined}
    >
      {props.mode === 'reschedule' ? <BackLink href="/appointments/manage/booking" label={t('appointments.back')} /> : null}
      <h1>{title}</h1>
      <p class="usa-intro">{t('appointments.days.intro', { service: t(service.titleKey), site: site.name, weeks: Math.round(service.bookingWindowDays / 7) })}</p>
      {availability.days.length === 0 ? (
        <Alert type="info" heading={t('appointments.days.noneTitle')}>
          {t('appointments.days.none', { weeks: Math.round(service.bookingWindowDays / 7) })}
        </Alert>
      ) : null}
      {[...weeks.entries()].map(([monday, days]) => (
        <section>
          <h2>{t('appointments.days.week', { day: day(ctx, monday) })}</h2>
          <ul class="usa-list usa-list--unstyled sanctuary-day-list">
            {days.map((d) => (
              <li class="margin-bottom-1">
                <a class="usa-link" href={href(d.date)}>
                  {day(ctx, d.date)}
                </a>{' '}
                <span class="text-base-dark">{t('appointments.days.free', { n: d.slots.length })}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {props.mode === 'book' ? (
        <section class="margin-top-4">
          <h2>{t('appointments.days.waitlistTitle')}</h2>
          <p>{t('appointments.days.waitlistBody')}</p>
          <p>
            <a class="usa-link" href={`/appointments/book/${service.id}/${site.id}/waitlist`}>
              {t('appointments.days.waitlistLink')}
            </a>
          </p>
        </section>
      ) : null}
    </Layout>
  );
}

function TimeChoices(props: { ctx: ViewContext; slots: readonly SlotAvailability[]; tz: string; value?: string; error?: string; label: string }) {
  return (
    <FormGroup
      name="start"
      type="radio"
      label={props.label}
      error={props.error}
      value={props.value}
      choices={props.slots.map((s) => ({ value: s.start, label: time(props.ctx, props.tz, s.start) }))}
    />
  );
}

/** `/appointments/book/:service/:siteId/:date`: time, language, contact → book. */
export function BookingPage(props: {
  ctx: ViewContext;
  service: ResolvedService;
  site: SiteView;
  slots: readonly SlotAvailability[];
  date: string;
  tz: string;
  languages: KnownLanguages;
  errors: readonly FieldError[];
  values: Record<string, string>;
  action: string;
}) {
  const { ctx, service, site, errors, values } = props;
  const t = ctx.t;
  const title = t('appointments.book.title', { day: day(ctx, props.date) });
  const language = values.language ?? (site.languages.includes(ctx.locale) ? ctx.locale : undefined);
  return (
    <Layout
      ctx={ctx}
      title={pageTitle(ctx, title, errors)}
      breadcrumbs={crumbs(ctx, [
        { label: t(service.titleKey), href: `/appointments/book/${service.id}` },
        { label: site.name, href: `/appointments/book/${service.id}/${site.id}` },
        { label: day(ctx, props.date) },
      ])}
    >
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <ErrorSummary ctx={ctx} errors={errors} />
          <h1>{title}</h1>
          <p class="usa-intro">{t('appointments.book.where', { service: t(service.titleKey), site: site.name, address: site.address })}</p>
          {props.slots.length === 0 ? (
            <>
              <Alert type="info" heading={t('appointments.book.fullTitle')}>
                {t('appointments.book.full')}
              </Alert>
              <p>
                <a class="usa-link" href={`/appointments/book/${service.id}/${site.id}`}>
                  {t('appointments.book.otherDay')}
                </a>
              </p>
            </>
          ) : (
            <form method="post" action={props.action} novalidate class="usa-form usa-form--large">
              <CsrfField ctx={ctx} />
              <TimeChoices ctx={ctx} slots={props.slots} tz={props.tz} value={values.start} error={errorText(ctx, errors, 'start')} label={t('appointments.book.time')} />
              <FormGroup
                name="language"
                type="radio"
                label={t('appointments.book.language')}
                hint={t('appointments.book.languageHint')}
                error={errorText(ctx, errors, 'language')}
                value={language}
                choices={site.languages.map((code) => ({ value: code, label: props.languages.find((l) => l.code === code)?.nativeName ?? code, lang: code }))}
              />
              <ContactFields ctx={ctx} errors={errors} values={values} optional />
              <PrivacyNote ctx={ctx} />
              <button type="submit" class="usa-button">
                {t('appointments.book.submit')}
              </button>
            </form>
          )}
        </div>
      </div>
    </Layout>
  );
}

function ContactFields(props: { ctx: ViewContext; errors: readonly FieldError[]; values: Record<string, string>; optional: boolean }) {
  const { ctx, errors, values } = props;
  const t = ctx.t;
  const channels = props.optional ? (['none', 'email', 'sms'] as const) : (['email', 'sms'] as const);
  return (
    <>
      <FormGroup
        name="contactChannel"
        type="radio"
        label={props.optional ? t('appointments.contact.question') : t('appointments.contact.questionWaitlist')}
        hint={t('appointments.contact.hint')}
        error={errorText(ctx, errors, 'contactChannel')}
        value={values.contactChannel ?? (props.optional ? 'none' : undefined)}
        choices={channels.map((c) => ({ value: c, label: t(`appointments.contact.${c}`) }))}
      />
      <FormGroup
        name="email"
        type="email"
        label={t('appointments.contact.email')}
        hint={t('appointments.contact.emailHint')}
        error={errorText(ctx, errors, 'email')}
        value={values.email}
        autocomplete="email"
        maxLength={254}
      />
      <FormGroup
        name="phone"
        type="tel"
        label={t('appointments.contact.phone')}
        hint={t('appointments.contact.phoneHint')}
        error={errorText(ctx, errors, 'phone')}
        value={values.phone}
        autocomplete="tel"
        inputMode="tel"
        maxLength={30}
      />
    </>
  );
}

/** Choose a new time on a day (reschedule). */
export function TimesPage(props: {
  ctx: ViewContext;
  booking: BookingSummary;
  service: ResolvedService;
  site: SiteView;
  slots: readonly SlotAvailability[];
  date: string;
  tz: string;
  errors: readonly FieldError[];
  values: Record<string, string>;
  action: string;
}) {
  const { ctx, errors } = props;
  const t = ctx.t;
  const title = t('appointments.reschedule.timesTitle', { day: day(ctx, props.date) });
  const slots = props.slots.filter((s) => s.start !== props.booking.start);
  return (
    <Layout ctx={ctx} title={pageTitle(ctx, title, errors)}>
      <BackLink href="/appointments/manage/reschedule" label={t('appointments.back')} />
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <ErrorSummary ctx={ctx} errors={errors} />
          <h1>{title}</h1>
          <p class="usa-intro">
            {t('appointments.reschedule.current', { day: day(ctx, props.booking.localDate), time: time(ctx, props.tz, props.booking.start), site: props.site.name })}
          </p>
          {slots.length === 0 ? (
            <Alert type="info" heading={t('appointments.book.fullTitle')}>
              {t('appointments.book.full')}
            </Alert>
          ) : (
            <form method="post" action={props.action} novalidate class="usa-form usa-form--large">
              <CsrfField ctx={ctx} />
              <TimeChoices ctx={ctx} slots={slots} tz={props.tz} value={props.values.start} error={errorText(ctx, errors, 'start')} label={t('appointments.book.time')} />
              <button type="submit" class="usa-button">
                {t('appointments.reschedule.submit')}
              </button>
            </form>
          )}
        </div>
      </div>
    </Layout>
  );
}

/** The booking summary rows: what, when, where, language, reminders. */
function BookingRows(props: { ctx: ViewContext; booking: BookingSummary; tz: string; languages: KnownLanguages }) {
  const { ctx, booking } = props;
  const t = ctx.t;
  return (
    <SummaryList
      rows={[
        { key: t('appointments.summary.what'), value: serviceTitle(ctx, booking.service) },
        { key: t('appointments.summary.when'), value: t('appointments.summary.whenValue', { day: day(ctx, booking.localDate, true), time: time(ctx, props.tz, booking.start) }) },
        {
          key: t('appointments.summary.where'),
          value: (
            <>
              {booking.site.name}
              <br />
              {booking.site.address}
            </>
          ),
        },
        { key: t('appointments.summary.language'), value: <LanguageName code={booking.language} languages={props.languages} /> },
        { key: t('appointments.summary.reminders'), value: t(`appointments.summary.reminders.${booking.contactChannel}`) },
      ]}
    />
  );
}

/** After booking (with the reference code), and the manage page (without it). */
export function ConfirmationPage(props: {
  ctx: ViewContext;
  booking: BookingSummary;
  reference?: string;
  tz: string;
  languages: KnownLanguages;
  icsHref: string;
  manage?: { changed?: 'cancelled' | 'rescheduled'; now: string };
}) {
  const { ctx, booking, manage } = props;
  const t = ctx.t;
  const service = findService(booking.service);
  const cancelled = booking.status === 'cancelled';
  const changeable = booking.status === 'booked' && (!manage || booking.start > manage.now);
  const title = props.reference ? t('appointments.confirmation.title') : t('appointments.manage.bookingTitle');
  return (
    <Layout ctx={ctx} title={title}>
      {props.reference ? (
        <div class="usa-alert usa-alert--success" role="status">
          <div class="usa-alert__body">
            <h1 class="usa-alert__heading">{title}</h1>
            <p class="usa-alert__text">{t('appointments.confirmation.lead')}</p>
          </div>
        </div>
      ) : (
        <h1>{title}</h1>
      )}
      {manage?.changed ? <Alert type="success">{t(`appointments.manage.changed.${manage.changed}`)}</Alert> : null}
      {cancelled && !manage?.changed ? <Alert type="warning">{t('appointments.manage.isCancelled')}</Alert> : null}
      {props.reference ? (
        <section class="margin-y-3">
          <h2 id="reference-label">{t('appointments.confirmation.referenceLabel')}</h2>
          <ReferenceCode code={props.reference} labelId="reference-label" />
          <p>{t('appointments.confirmation.referenceHint')}</p>
        </section>
      ) : null}
      <BookingRows ctx={ctx} booking={booking} tz={props.tz} languages={props.languages} />
      {!cancelled && service?.instructionsKey ? (
        <section class="margin-top-3">
          <h2>{t('appointments.confirmation.instructionsTitle')}</h2>
          <p>{t(service.instructionsKey)}</p>
        </section>
      ) : null}
      {!cancelled ? (
        <p class="margin-top-3">
          <a class="usa-button usa-button--outline" href={props.icsHref}>
            {t('appointments.confirmation.calendar')}
          </a>
        </p>
      ) : null}
      {manage ? (
        <>
          {changeable ? (
            <ul class="usa-list usa-list--unstyled margin-top-3">
              <li class="margin-bottom-1">
                <a class="usa-link" href="/appointments/manage/reschedule">
                  {t('appointments.manage.reschedule')}
                </a>
              </li>
              <li>
                <a class="usa-link" href="/appointments/manage/cancel">
                  {t('appointments.manage.cancel')}
                </a>
              </li>
            </ul>
          ) : null}
          <form method="post" action="/appointments/manage/done" class="margin-top-3">
            <CsrfField ctx={ctx} />
            <button type="submit" class="usa-button usa-button--unstyled">
              {t('appointments.manage.done')}
            </button>
          </form>
        </>
      ) : (
        <p class="margin-top-3">
          {t('appointments.confirmation.manageHint')}{' '}
          <a class="usa-link" href="/appointments/manage">
            {t('appointments.public.manageLink')}
          </a>
        </p>
      )}
    </Layout>
  );
}

/** Confirm the cancellation. */
export function CancelPage(props: { ctx: ViewContext; booking: BookingSummary; tz: string; errors: readonly FieldError[] }) {
  const { ctx, booking, errors } = props;
  const t = ctx.t;
  const title = t('appointments.cancel.title');
  return (
    <Layout ctx={ctx} title={pageTitle(ctx, title, errors)}>
      <BackLink href="/appointments/manage/booking" label={t('appointments.back')} />
      {errors.length > 0 ? (
        <Alert type="error" heading={t('appointments.cancel.failed')}>
          {errors.map((e) => t(e.key, e.values)).join(' ')}
        </Alert>
      ) : null}
      <h1>{title}</h1>
      <p class="usa-intro">
        {t('appointments.cancel.lead', { service: serviceTitle(ctx, booking.service), day: day(ctx, booking.localDate), time: time(ctx, props.tz, booking.start), site: booking.site.name })}
      </p>
      <form method="post" action="/appointments/manage/cancel">
        <CsrfField ctx={ctx} />
        <button type="submit" class="usa-button usa-button--secondary">
          {t('appointments.cancel.submit')}
        </button>
      </form>
      <p class="margin-top-2">
        <a class="usa-link" href="/appointments/manage/booking">
          {t('appointments.cancel.keep')}
        </a>
      </p>
    </Layout>
  );
}

/** `/appointments/manage`: enter the reference code. */
export function ManageCodePage(props: { ctx: ViewContext; errors: readonly FieldError[]; value: string; notice?: 'left' | 'expired' }) {
  const { ctx, errors } = props;
  const t = ctx.t;
  const title = t('appointments.manage.title');
  return (
    <Layout ctx={ctx} title={pageTitle(ctx, title, errors)} breadcrumbs={crumbs(ctx, [{ label: title }])}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          {props.notice ? <Alert type={props.notice === 'left' ? 'success' : 'info'}>{t(`appointments.manage.notice.${props.notice}`)}</Alert> : null}
          <ErrorSummary ctx={ctx} errors={errors} />
          <h1>{title}</h1>
          <p class="usa-intro">{t('appointments.manage.intro')}</p>
          <form method="post" action="/appointments/manage" novalidate class="usa-form usa-form--large">
            <CsrfField ctx={ctx} />
            <FormGroup
              name="code"
              label={t('appointments.manage.codeLabel')}
              hint={t('appointments.manage.codeHint')}
              error={errorText(ctx, errors, 'code')}
              value={props.value}
              autocomplete="off"
              maxLength={20}
            />
            <button type="submit" class="usa-button">
              {t('appointments.manage.submit')}
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** Join the waiting list for a site and service. */
export function WaitlistFormPage(props: {
  ctx: ViewContext;
  service: ResolvedService;
  site: SiteView;
  languages: KnownLanguages;
  window: { today: string; lastDay: string };
  errors: readonly FieldError[];
  values: Record<string, string>;
}) {
  const { ctx, service, site, errors, values } = props;
  const t = ctx.t;
  const title = t('appointments.waitlist.title');
  const language = values.language ?? (site.languages.includes(ctx.locale) ? ctx.locale : undefined);
  return (
    <Layout
      ctx={ctx}
      title={pageTitle(ctx, title, errors)}
      breadcrumbs={crumbs(ctx, [
        { label: t(service.titleKey), href: `/appointments/book/${service.id}` },
        { label: site.name, href: `/appointments/book/${service.id}/${site.id}` },
        { label: title },
      ])}
    >
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <ErrorSummary ctx={ctx} errors={errors} />
          <h1>{title}</h1>
          <p class="usa-intro">{t('appointments.waitlist.intro', { site: site.name, hours: OFFER_HOLD_MINUTES / 60 })}</p>
          <form method="post" action={`/appointments/book/${service.id}/${site.id}/waitlist`} novalidate class="usa-form usa-form--large">
            <CsrfField ctx={ctx} />
            <FormGroup
              name="fromDate"
              type="date"
              label={t('appointments.waitlist.from')}
              hint={t('appointments.waitlist.dateHint', { first: day(ctx, props.window.today, true), last: day(ctx, props.window.lastDay, true) })}
              error={errorText(ctx, errors, 'fromDate')}
              value={values.fromDate ?? props.window.today}
            />
            <FormGroup
              name="toDate"
              type="date"
              label={t('appointments.waitlist.to')}
              error={errorText(ctx, errors, 'toDate')}
              value={values.toDate ?? props.window.lastDay}
            />
            <FormGroup
              name="language"
              type="radio"
              label={t('appointments.book.language')}
              error={errorText(ctx, errors, 'language')}
              value={language}
              choices={site.languages.map((code) => ({ value: code, label: props.languages.find((l) => l.code === code)?.nativeName ?? code, lang: code }))}
            />
            <ContactFields ctx={ctx} errors={errors} values={values} optional={false} />
            <PrivacyNote ctx={ctx} waitlist />
            <button type="submit" class="usa-button">
              {t('appointments.waitlist.submit')}
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

function WaitlistRows(props: { ctx: ViewContext; entry: WaitlistSummary; languages: KnownLanguages }) {
  const { ctx, entry } = props;
  const t = ctx.t;
  return (
    <SummaryList
      rows={[
        { key: t('appointments.summary.what'), value: serviceTitle(ctx, entry.service) },
        { key: t('appointments.summary.where'), value: entry.site.name },
        { key: t('appointments.waitlist.days'), value: t('appointments.waitlist.range', { from: day(ctx, entry.fromDate), to: day(ctx, entry.toDate) }) },
        { key: t('appointments.summary.language'), value: <LanguageName code={entry.language} languages={props.languages} /> },
      ]}
    />
  );
}

/** After joining the list: the code to leave it. */
export function WaitlistConfirmationPage(props: { ctx: ViewContext; entry: WaitlistSummary; reference: string; languages: KnownLanguages }) {
  const { ctx } = props;
  const t = ctx.t;
  const title = t('appointments.waitlist.joinedTitle');
  return (
    <Layout ctx={ctx} title={title}>
      <div class="usa-alert usa-alert--success" role="status">
        <div class="usa-alert__body">
          <h1 class="usa-alert__heading">{title}</h1>
          <p class="usa-alert__text">{t('appointments.waitlist.joinedLead', { hours: OFFER_HOLD_MINUTES / 60 })}</p>
        </div>
      </div>
      <section class="margin-y-3">
        <h2 id="reference-label">{t('appointments.waitlist.codeLabel')}</h2>
        <ReferenceCode code={props.reference} labelId="reference-label" />
        <p>{t('appointments.waitlist.codeHint')}</p>
      </section>
      <WaitlistRows ctx={ctx} entry={props.entry} languages={props.languages} />
      <p class="margin-top-3">
        <a class="usa-link" href="/appointments/manage">
          {t('appointments.public.manageLink')}
        </a>
      </p>
    </Layout>
  );
}

/** The waiting-list entry, opened with its code. */
export function WaitlistPage(props: { ctx: ViewContext; entry: WaitlistSummary; tz: string; languages: KnownLanguages }) {
  const { ctx, entry } = props;
  const t = ctx.t;
  const title = t('appointments.waitlist.entryTitle');
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      {entry.offer ? (
        <Alert type="info" heading={t('appointments.waitlist.offeredTitle')}>
          {t('appointments.waitlist.offered', {
            day: day(ctx, localDateOf(props.tz, new Date(entry.offer.start))),
            time: time(ctx, props.tz, entry.offer.start),
            until: time(ctx, props.tz, entry.offer.expiresAt),
          })}
        </Alert>
      ) : (
        <p class="usa-intro">{t('appointments.waitlist.waiting')}</p>
      )}
      <WaitlistRows ctx={ctx} entry={entry} languages={props.languages} />
      <form method="post" action="/appointments/manage/waitlist/leave" class="margin-top-3">
        <CsrfField ctx={ctx} />
        <button type="submit" class="usa-button usa-button--secondary">
          {t('appointments.waitlist.leave')}
        </button>
      </form>
    </Layout>
  );
}

/** A seat offered from the waiting list: take it or let it go. */
export function ClaimPage(props: { ctx: ViewContext; offer: OfferView; tz: string; errors: readonly FieldError[] }) {
  const { ctx, offer } = props;
  const t = ctx.t;
  const title = t('appointments.claim.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p class="usa-intro">{t('appointments.claim.lead', { until: time(ctx, props.tz, offer.expiresAt) })}</p>
      <SummaryList
        rows={[
          { key: t('appointments.summary.what'), value: serviceTitle(ctx, offer.service) },
          {
            key: t('appointments.summary.when'),
            value: t('appointments.summary.whenValue', { day: day(ctx, localDateOf(props.tz, new Date(offer.start)), true), time: time(ctx, props.tz, offer.start) }),
          },
          {
            key: t('appointments.summary.where'),
            value: (
              <>
                {offer.site.name}
                <br />
                {offer.site.address}
              </>
            ),
          },
        ]}
      />
      <form method="post" action="" class="margin-top-3">
        <CsrfField ctx={ctx} />
        <button type="submit" name="decision" value="accept" class="usa-button">
          {t('appointments.claim.accept')}
        </button>
        <button type="submit" name="decision" value="decline" class="usa-button usa-button--outline">
          {t('appointments.claim.decline')}
        </button>
      </form>
    </Layout>
  );
}

/** After declining an offer. */
export function ClaimDeclinedPage(props: { ctx: ViewContext }) {
  const t = props.ctx.t;
  return (
    <Layout ctx={props.ctx} title={t('appointments.claim.declinedTitle')}>
      <h1>{t('appointments.claim.declinedTitle')}</h1>
      <p class="usa-intro">{t('appointments.claim.declined')}</p>
      <p>
        <a class="usa-link" href="/appointments">
          {t('appointments.public.title')}
        </a>
      </p>
    </Layout>
  );
}

/** The public walk-in display: ticket numbers only. Refreshes itself with a small script when it can. */
export function NowServingPage(props: { ctx: ViewContext; site: SiteView; serving: { called: number[]; waiting: number }; today: string }) {
  const { ctx, serving } = props;
  const t = ctx.t;
  const [current, ...previous] = serving.called;
  return (
    <Layout ctx={ctx} title={t('appointments.nowServing.title', { site: props.site.name })}>
      <h1>{t('appointments.nowServing.title', { site: props.site.name })}</h1>
      <p>{day(ctx, props.today)}</p>
      <div id="now-serving" aria-live="polite" data-refresh-seconds="15">
        <p class="font-sans-lg margin-bottom-0">{t('appointments.nowServing.current')}</p>
        <p class="font-sans-3xl text-bold margin-top-05" data-now-serving-current="">
          {current === undefined ? t('appointments.nowServing.nobody') : String(current)}
        </p>
        {previous.length > 0 ? (
          <p>
            {t('appointments.nowServing.previous')} {previous.map(String).join(', ')}
          </p>
        ) : null}
        <p>{t('appointments.nowServing.waiting', { n: serving.waiting })}</p>
      </div>
      <p>
        <a class="usa-link" href={`/appointments/sites/${props.site.id}/now-serving`}>
          {t('appointments.nowServing.refresh')}
        </a>
      </p>
      <script src="/assets/app/appointments-now-serving.js" defer></script>
    </Layout>
  );
}
