import type { Child } from 'hono/jsx';
import { type Jurisdiction, localDate } from '../../../core/jurisdiction/index.ts';
import { Breadcrumbs, Table, Tag } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { VISA_TYPES } from '../u-visa.schemas.ts';
import type { QueuePage, QueueQuery } from '../u-visa.service.ts';
import { ClockState, formatDate } from './u-visa-format.tsx';

/**
 * A cell's text that may wrap onto several lines (the table container keeps cells on one line otherwise), so
 * the queue fits a 1280-pixel screen without scrolling sideways.
 */
function Wrap(props: { lang?: string | undefined; children?: Child }) {
  return (
    <span class="display-block text-wrap" lang={props.lang}>
      {props.children}
    </span>
  );
}

/** A queue URL keeping the view and filters. */
export function queueHref(query: Pick<QueueQuery, 'view' | 'department' | 'visaType'>, cursor?: { after?: string; before?: string }): string {
  const q = new URLSearchParams();
  if (query.view === 'closed') q.set('view', 'closed');
  if (query.department) q.set('department', query.department);
  if (query.visaType) q.set('visaType', query.visaType);
  if (cursor?.after) q.set('after', cursor.after);
  if (cursor?.before) q.set('before', cursor.before);
  const s = q.toString();
  return `/staff/u-visa${s ? `?${s}` : ''}`;
}

/**
 * The certifying queue: open requests with the expedited and soonest-due first and the days left on each
 * clock; or decided ones, latest first. Categories and dates only — no names.
 */
export function QueueView(props: { ctx: ViewContext; jurisdiction: Jurisdiction; query: QueueQuery; page: QueuePage; canCreate: boolean; canSearch: boolean }) {
  const { ctx, jurisdiction, query, page } = props;
  const t = ctx.t;
  const departments = jurisdiction.uVisa.certifyingAgencies.value;
  const departmentName = (id: string | null) => (id ? (departments.find((d) => d.id === id)?.name ?? id) : t('u-visa.staff.unrouted'));
  const title = t('u-visa.staff.queue.title');
  const open = query.view === 'open';
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.home.title'), href: '/staff' }, { label: title }]} />}>
      <h1>{title}</h1>
      <p class="sanctuary-actions">
        {props.canCreate ? (
          <a class="usa-button usa-button--outline" href="/staff/u-visa/new">
            {t('u-visa.staff.new.link')}
          </a>
        ) : null}
        {props.canSearch ? (
          <a class="usa-button usa-button--outline" href="/staff/u-visa/search">
            {t('u-visa.staff.search.link')}
          </a>
        ) : null}
      </p>
      <nav aria-label={t('u-visa.staff.queue.views')} class="sanctuary-tabs">
        <ul class="usa-button-group">
          <li class="usa-button-group__item">
            <a class={`usa-button${open ? '' : ' usa-button--outline'}`} href={queueHref({ ...query, view: 'open' })} aria-current={open ? 'page' : undefined}>
              {t('u-visa.staff.queue.open')}
            </a>
          </li>
          <li class="usa-button-group__item">
            <a class={`usa-button${open ? ' usa-button--outline' : ''}`} href={queueHref({ ...query, view: 'closed' })} aria-current={open ? undefined : 'page'}>
              {t('u-visa.staff.queue.closed')}
            </a>
          </li>
        </ul>
      </nav>
      <form method="get" action="/staff/u-visa" class="usa-form sanctuary-filters">
        {open ? null : <input type="hidden" name="view" value="closed" />}
        <div class="usa-form-group">
          <label class="usa-label" for="filter-department">
            {t('u-visa.staff.filter.department')}
          </label>
          <select class="usa-select" id="filter-department" name="department">
            <option value="">{t('u-visa.staff.filter.allDepartments')}</option>
            {departments.map((d) => (
              <option value={d.id} selected={query.department === d.id} lang="en">
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <div class="usa-form-group">
          <label class="usa-label" for="filter-visa">
            {t('u-visa.staff.filter.visaType')}
          </label>
          <select class="usa-select" id="filter-visa" name="visaType">
            <option value="">{t('u-visa.staff.filter.allVisaTypes')}</option>
            {VISA_TYPES.map((v) => (
              <option value={v} selected={query.visaType === v}>
                {t(`u-visa.visaType.${v}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="usa-button usa-button--outline">
          {t('u-visa.staff.filter.apply')}
        </button>
      </form>
      {page.items.length === 0 ? (
        <p>{t(open ? 'u-visa.staff.queue.empty' : 'u-visa.staff.queue.emptyClosed')}</p>
      ) : (
        <Table
          caption={open ? t('u-visa.staff.queue.caption', { total: page.total ?? 0 }) : t('u-visa.staff.queue.captionClosed')}
          headers={[
            t('u-visa.staff.column.reference'),
            open ? t('u-visa.staff.column.clock') : t('u-visa.staff.column.decided'),
            t('u-visa.staff.column.priority'),
            t('u-visa.staff.column.visaType'),
            t('u-visa.staff.column.department'),
            t('u-visa.staff.column.status'),
            t('u-visa.staff.column.received'),
          ]}
          rows={page.items.map((r) => [
            <a class="usa-link sanctuary-mono" href={`/staff/u-visa/requests/${r.id}`}>
              {r.id.slice(-8)}
            </a>,
            open ? (
              <span class="sanctuary-clock">
                <ClockState ctx={ctx} daysLeft={r.daysLeft} status={r.clock?.status ?? null} />
                {r.clock ? <span class="usa-hint display-block">{formatDate(ctx, r.clock.due_date)}</span> : null}
              </span>
            ) : r.decided_at ? (
              <Wrap>{formatDate(ctx, localDate(jurisdiction, new Date(r.decided_at)))}</Wrap>
            ) : (
              ''
            ),
            r.expedited === 1 ? <Tag tone="big">{t('u-visa.staff.expedited')}</Tag> : t('u-visa.staff.standard'),
            <Wrap>{t(`u-visa.staff.visaShort.${r.visa_type}`)}</Wrap>,
            <Wrap lang={r.department ? 'en' : undefined}>{departmentName(r.department)}</Wrap>,
            <Wrap>{t(`u-visa.status.${r.status}`)}</Wrap>,
            formatDate(ctx, localDate(jurisdiction, new Date(r.received_at))),
          ])}
        />
      )}
      {page.prev || page.next ? (
        <nav aria-label={t('component.pagination.label')} class="usa-pagination">
          <ul class="usa-pagination__list">
            {page.prev ? (
              <li class="usa-pagination__item usa-pagination__arrow">
                <a href={queueHref(query, { before: page.prev })} class="usa-pagination__link usa-pagination__previous-page" rel="prev">
                  <span class="usa-pagination__link-text">{t('component.pagination.previous')}</span>
                </a>
              </li>
            ) : null}
            {page.next ? (
              <li class="usa-pagination__item usa-pagination__arrow">
                <a href={queueHref(query, { after: page.next })} class="usa-pagination__link usa-pagination__next-page" rel="next">
                  <span class="usa-pagination__link-text">{t('component.pagination.next')}</span>
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </Layout>
  );
}
