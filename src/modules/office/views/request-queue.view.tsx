import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import { Breadcrumbs, Pagination, Table, Tag } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import type { QueuePage } from '../office.service.ts';
import { OFFICE_TOPICS, REQUEST_STATUSES, type RequestListQuery } from '../office.schemas.ts';
import { LanguageName } from './language-name.tsx';
import { formatDateTime } from './office-format.ts';

/** Builds a queue URL keeping the filters. */
export function queueHref(filter: { topic?: string; status?: string }, page: number): string {
  const q = new URLSearchParams();
  if (filter.topic) q.set('topic', filter.topic);
  if (filter.status) q.set('status', filter.status);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return `/staff/office/requests${s ? `?${s}` : ''}`;
}

/** The staff queue of Office requests: newest first, filters by topic and status, categories only. */
export function RequestQueueView(props: { ctx: ViewContext; jurisdiction: Jurisdiction; query: RequestListQuery; page: QueuePage }) {
  const { ctx, jurisdiction, query, page } = props;
  const t = ctx.t;
  const filter = { topic: query.topic, status: query.status };
  return (
    <Layout
      ctx={ctx}
      title={t('office.staff.queue.title')}
      breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.home.title'), href: '/staff' }, { label: t('office.staff.queue.title') }]} />}
    >
      <h1>{t('office.staff.queue.title')}</h1>
      <form method="get" action="/staff/office/requests" class="usa-form sanctuary-filters">
        <div class="usa-form-group">
          <label class="usa-label" for="filter-topic">
            {t('office.staff.filter.topic')}
          </label>
          <select class="usa-select" id="filter-topic" name="topic">
            <option value="">{t('office.staff.filter.all')}</option>
            {OFFICE_TOPICS.map((topic) => (
              <option value={topic} selected={query.topic === topic}>
                {t(`office.topic.${topic}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="usa-form-group">
          <label class="usa-label" for="filter-status">
            {t('office.staff.filter.status')}
          </label>
          <select class="usa-select" id="filter-status" name="status">
            <option value="">{t('office.staff.filter.all')}</option>
            {REQUEST_STATUSES.map((status) => (
              <option value={status} selected={query.status === status}>
                {t(`office.status.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="usa-button usa-button--outline">
          {t('office.staff.filter.apply')}
        </button>
      </form>
      {page.items.length === 0 ? (
        <p>{t('office.staff.queue.empty')}</p>
      ) : (
        <Table
          caption={t('office.staff.queue.caption', { total: page.total })}
          headers={[
            t('office.staff.column.received'),
            t('office.staff.column.topic'),
            t('office.staff.column.status'),
            t('office.staff.column.language'),
            t('office.staff.column.contact'),
          ]}
          rows={page.items.map((r) => [
            <a class="usa-link" href={`/staff/office/requests/${r.id}`}>
              {formatDateTime(ctx, jurisdiction, r.created_at)}
            </a>,
            t(`office.topic.${r.topic}`),
            <Tag>{t(`office.status.${r.status}`)}</Tag>,
            <LanguageName ctx={ctx} jurisdiction={jurisdiction} code={r.language} />,
            t(`office.contact.${r.contact_method}`),
          ])}
        />
      )}
      <Pagination ctx={ctx} page={page.page} pages={page.pages} href={(p) => queueHref(filter, p)} />
    </Layout>
  );
}
