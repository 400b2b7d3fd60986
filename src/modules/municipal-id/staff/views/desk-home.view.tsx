import type { Jurisdiction } from '../../../../core/jurisdiction/index.ts';
import { Alert, Table } from '../../../../core/views/components.tsx';
import { Layout } from '../../../../core/views/layout.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import type { DeskDay } from '../staff.service.ts';
import { COUNT_CAP } from '../staff.service.ts';
import { DESK, DeskCrumbs, cappedCount, formatDay, formatTime } from './desk-format.tsx';

/** The search form: reference code or card number (exact matches; there is no search by name). */
export function SearchForm(props: { ctx: ViewContext; value?: string; error?: string }) {
  const t = props.ctx.t;
  return (
    <form method="get" action={`${DESK}/search`} class="usa-form sanctuary-filters" role="search">
      <div class={`usa-form-group${props.error ? ' usa-form-group--error' : ''}`}>
        <label class="usa-label" for="field-q">
          {t('municipalId.desk.search.label')}
        </label>
        <div class="usa-hint" id="field-q-hint">
          {t('municipalId.desk.search.hint')}
        </div>
        {props.error ? (
          <span class="usa-error-message" id="field-q-error" role="alert">
            {props.error}
          </span>
        ) : null}
        <input
          class={`usa-input${props.error ? ' usa-input--error' : ''}`}
          id="field-q"
          name="q"
          type="text"
          value={props.value ?? ''}
          maxlength={40}
          autocomplete="off"
          aria-describedby={props.error ? 'field-q-hint field-q-error' : 'field-q-hint'}
        />
      </div>
      <button type="submit" class="usa-button">
        {t('municipalId.desk.search.submit')}
      </button>
    </form>
  );
}

/** The desk's home: today's enrolment appointments, what waits, search. */
export function DeskHomeView(props: {
  ctx: ViewContext;
  jurisdiction: Jurisdiction;
  day: DeskDay;
  counts: { approvals: number; printQueue: number; printed: number };
  can: { approve: boolean; print: boolean; reports: boolean };
  forgotten?: boolean;
}) {
  const { ctx, jurisdiction, day, counts, can } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('municipalId.desk.title')} breadcrumbs={<DeskCrumbs ctx={ctx} here={t('municipalId.desk.title')} />}>
      {props.forgotten ? (
        <Alert type="success" slim>
          {t('municipalId.desk.forgotten')}
        </Alert>
      ) : null}
      <h1>{t('municipalId.desk.title')}</h1>
      <SearchForm ctx={ctx} />
      <ul class="usa-list sanctuary-desk-links">
        {can.approve ? (
          <li>
            <a class="usa-link" href={`${DESK}/approvals`}>
              {t('municipalId.desk.approvals.link', { n: cappedCount(ctx, counts.approvals, COUNT_CAP) })}
            </a>
          </li>
        ) : null}
        {can.print ? (
          <li>
            <a class="usa-link" href={`${DESK}/print-queue`}>
              {t('municipalId.desk.printQueue.link', { n: cappedCount(ctx, counts.printQueue, COUNT_CAP) })}
            </a>
          </li>
        ) : null}
        {can.print ? (
          <li>
            <a class="usa-link" href={`${DESK}/print-queue?status=printed`}>
              {t('municipalId.desk.printed.link', { n: cappedCount(ctx, counts.printed, COUNT_CAP) })}
            </a>
          </li>
        ) : null}
        {can.reports ? (
          <li>
            <a class="usa-link" href={`${DESK}/reports`}>
              {t('municipalId.desk.reports.link')}
            </a>
          </li>
        ) : null}
      </ul>
      <h2>{t('municipalId.desk.today.title', { date: formatDay(ctx, day.date) })}</h2>
      {day.sites.length === 0 ? <Alert type="info">{t('municipalId.desk.today.noSites')}</Alert> : null}
      {day.sites.map((site) => (
        <section>
          <h3>{site.name}</h3>
          {site.appointments.length === 0 ? (
            <p>{t('municipalId.desk.today.none')}</p>
          ) : (
            <Table
              caption={t('municipalId.desk.today.caption', { site: site.name, n: site.appointments.length })}
              headers={[t('municipalId.desk.today.time'), t('municipalId.desk.today.reference'), t('municipalId.desk.today.status'), t('municipalId.desk.today.application')]}
              rows={site.appointments.map((a) => [
                formatTime(ctx, jurisdiction, a.booking.start),
                <span class="sanctuary-verify-text">{a.booking.referenceHint}</span>,
                t(`municipalId.desk.booking.${a.booking.status}`),
                a.applicationId ? (
                  <a class="usa-link" href={`${DESK}/applications/${a.applicationId}`}>
                    {t('municipalId.desk.today.open')}
                  </a>
                ) : (
                  t('municipalId.desk.today.byReference')
                ),
              ])}
            />
          )}
        </section>
      ))}
    </Layout>
  );
}
