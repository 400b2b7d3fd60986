/**
 * The booking pages of an application: choose a place and day, then a time, then the booked appointment with
 * its own code. Every page posts the application's reference code in a hidden field (never in a URL, R28) and
 * works without JavaScript on a small phone.
 */
import type { FieldError } from '../../../../core/http/errors.ts';
import type { Jurisdiction } from '../../../../core/jurisdiction/index.ts';
import { BackLink, CsrfField, ErrorSummary, SummaryList } from '../../../../core/views/components.tsx';
import { Layout } from '../../../../core/views/layout.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import { ReferenceCode } from '../../../../core/forms/views/reference-code.tsx';
import type { BookingResult, BookingSummary, SiteAvailability } from '../../../appointments/api.ts';
import { formatDay, formatTime } from './format.ts';

export const BOOKING_BASE = '/municipal-id/appointment';

function Hidden(props: { name: string; value: string }) {
  return <input type="hidden" name={props.name} value={props.value} />;
}

function ErrorText(props: { ctx: ViewContext; error?: FieldError }) {
  if (!props.error) return null;
  return (
    <span class="usa-error-message" id={`field-${props.error.field}-error`} role="alert">
      {props.ctx.t(props.error.key, props.error.values)}
    </span>
  );
}

/** Places and days with free times; one radio group (`day` = `<siteId>~<date>`) across the sites. */
export function ChooseDayView(props: { ctx: ViewContext; code: string; sites: readonly SiteAvailability[]; errors: readonly FieldError[]; value?: string }) {
  const { ctx } = props;
  const t = ctx.t;
  const title = props.errors.length > 0 ? t('forms.errorTitle', { title: t('municipalId.book.title') }) : t('municipalId.book.title');
  const error = props.errors.find((e) => e.field === 'day');
  let n = 0;
  return (
    <Layout ctx={ctx} title={title}>
      <BackLink href="/forms/municipal-id/status" label={t('municipalId.book.statusLink')} />
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <ErrorSummary ctx={ctx} errors={props.errors} />
          <h1>{t('municipalId.book.title')}</h1>
          <p class="usa-intro">{t('municipalId.book.intro')}</p>
          {props.sites.length === 0 ? (
            <p>{t('municipalId.book.noSlots')}</p>
          ) : (
            <form method="post" action={`${BOOKING_BASE}/times`} novalidate class="usa-form usa-form--large">
              <CsrfField ctx={ctx} />
              <Hidden name="code" value={props.code} />
              <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`} id="field-day" tabindex={-1}>
                <h2 class="usa-legend usa-legend--large">{t('municipalId.book.dayLabel')}</h2>
                <p class="usa-hint">{t('municipalId.book.dayHint')}</p>
                <ErrorText ctx={ctx} error={error} />
                {props.sites.map((s) => (
                  <fieldset class="usa-fieldset sanctuary-booking-site">
                    <legend class="usa-legend">{t('municipalId.book.siteHeading', { site: s.site.name })}</legend>
                    <p class="usa-hint">{t('municipalId.book.siteAddress', { address: s.site.address })}</p>
                    {s.days.map((d) => {
                      n++;
                      const value = `${s.site.id}~${d.date}`;
                      const day = formatDay(ctx.locale, d.date);
                      return (
                        <div class="usa-radio">
                          <input class="usa-radio__input" type="radio" id={`day-${n}`} name="day" value={value} checked={props.value === value} />
                          <label class="usa-radio__label" for={`day-${n}`}>
                            {t('municipalId.book.dayChoice', { weekday: day.weekday, date: day.date, free: d.slots.reduce((sum, slot) => sum + slot.free, 0) })}
                          </label>
                        </div>
                      );
                    })}
                  </fieldset>
                ))}
              </div>
              <button type="submit" class="usa-button">
                {t('municipalId.book.continue')}
              </button>
            </form>
          )}
        </div>
      </div>
    </Layout>
  );
}

/** The free times of the chosen place and day. */
export function ChooseTimeView(props: {
  ctx: ViewContext;
  jurisdiction: Jurisdiction;
  code: string;
  day: string;
  site: SiteAvailability;
  errors: readonly FieldError[];
}) {
  const { ctx, site } = props;
  const t = ctx.t;
  const title = props.errors.length > 0 ? t('forms.errorTitle', { title: t('municipalId.book.timeLabel') }) : t('municipalId.book.timeLabel');
  const error = props.errors.find((e) => e.field === 'start');
  const date = site.days[0]?.date ?? '';
  const day = formatDay(ctx.locale, date);
  return (
    <Layout ctx={ctx} title={title}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <ErrorSummary ctx={ctx} errors={props.errors} />
          <form method="post" action={`${BOOKING_BASE}/book`} novalidate class="usa-form usa-form--large">
            <CsrfField ctx={ctx} />
            <Hidden name="code" value={props.code} />
            <Hidden name="day" value={props.day} />
            <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
              <fieldset class="usa-fieldset" id="field-start" tabindex={-1}>
                <legend class="usa-legend usa-legend--large">
                  <h1 class="sanctuary-question">{t('municipalId.book.timeLabel')}</h1>
                </legend>
                <p class="usa-hint">{t('municipalId.book.done.where', { site: site.site.name, address: site.site.address })}</p>
                <p class="usa-hint">{t('municipalId.book.day', { weekday: day.weekday, date: day.date })}</p>
                <ErrorText ctx={ctx} error={error} />
                {(site.days[0]?.slots ?? []).map((slot, i) => (
                  <div class="usa-radio">
                    <input class="usa-radio__input" type="radio" id={`start-${i}`} name="start" value={slot.start} />
                    <label class="usa-radio__label" for={`start-${i}`}>
                      {formatTime(ctx.locale, props.jurisdiction, slot.start)}
                    </label>
                  </div>
                ))}
              </fieldset>
            </div>
            <button type="submit" class="usa-button">
              {t('municipalId.book.confirm')}
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

function when(ctx: ViewContext, jurisdiction: Jurisdiction, start: string): string {
  const local = new Date(start);
  const isoDay = new Intl.DateTimeFormat('en-CA', { timeZone: jurisdiction.locale.timezone.value, year: 'numeric', month: '2-digit', day: '2-digit' }).format(local);
  const day = formatDay(ctx.locale, isoDay);
  return ctx.t('municipalId.book.done.when', { date: ctx.t('municipalId.book.day', { weekday: day.weekday, date: day.date }), time: formatTime(ctx.locale, jurisdiction, start) });
}

/** The appointment just booked, with its own code (shown once) to change or cancel it. */
export function BookedView(props: { ctx: ViewContext; jurisdiction: Jurisdiction; result: BookingResult }) {
  const { ctx, result } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('municipalId.book.done.title')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8 usa-prose">
          <section class="sanctuary-panel">
            <h1 class="sanctuary-panel__title">{t('municipalId.book.done.title')}</h1>
            <p>{when(ctx, props.jurisdiction, result.start)}</p>
            <p>{t('municipalId.book.done.where', { site: result.site.name, address: result.site.address })}</p>
          </section>
          <p id="booking-code-label">{t('municipalId.book.done.codeLabel')}</p>
          <ReferenceCode code={result.reference} labelId="booking-code-label" />
          <p>{t('municipalId.book.done.code')}</p>
          <p>{t('municipalId.book.done.bring')}</p>
          <p>
            <a class="usa-link" href="/appointments/manage">
              {t('municipalId.book.done.manage')}
            </a>
          </p>
          <p>
            <a class="usa-link" href="/forms/municipal-id/status">
              {t('municipalId.book.statusLink')}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

/** An application that already has an appointment: when and where, and how to change it. */
export function ExistingBookingView(props: { ctx: ViewContext; jurisdiction: Jurisdiction; booking: BookingSummary }) {
  const { ctx, booking } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('municipalId.book.existing.title')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8 usa-prose">
          <h1>{t('municipalId.book.existing.title')}</h1>
          <SummaryList
            rows={[
              { key: t('municipalId.book.timeLabel'), value: when(ctx, props.jurisdiction, booking.start) },
              { key: t('municipalId.book.dayLabel'), value: t('municipalId.book.done.where', { site: booking.site.name, address: booking.site.address }) },
            ]}
          />
          <p>{t('municipalId.book.done.bring')}</p>
          <p>
            <a class="usa-link" href="/appointments/manage">
              {t('municipalId.book.done.manage')}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

/** An application that cannot book now (already enrolled, decided). */
export function BookingClosedView(props: { ctx: ViewContext; statusKey: string }) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('municipalId.book.codeTitle')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8 usa-prose">
          <h1>{t('municipalId.book.codeTitle')}</h1>
          <p>{t('municipalId.book.notOpen', { status: t(props.statusKey) })}</p>
          <p>
            <a class="usa-link" href="/forms/municipal-id/status">
              {t('municipalId.book.statusLink')}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
