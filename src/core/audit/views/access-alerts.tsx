import { CsrfField, Table } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { AccessAlert } from '../access-alerts.ts';

/**
 * Administrators' list of access-volume alerts (R35): which staff account read how many records in which
 * window, against its usual count; unacknowledged first, each with a button to acknowledge it once looked into.
 */
export function AccessAlertsPage(props: {
  ctx: ViewContext;
  alerts: readonly AccessAlert[];
  /** Display names of the staff accounts that appear (by account id). */
  names: ReadonlyMap<string, string>;
  timeZone: string;
  windowMinutes: number;
  /** The alert just acknowledged, to confirm it. */
  acknowledged?: boolean;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const when = new Intl.DateTimeFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: props.timeZone });
  const name = (id: string | null) => (id ? (props.names.get(id) ?? id) : '');
  const rows = props.alerts.map((a) => [
    <time datetime={a.createdAt}>{when.format(new Date(a.createdAt))}</time>,
    <span>
      {name(a.actorId)}
      <br />
      <a class="usa-link sanctuary-code" href={`/staff/audit/records/core.user/${a.actorId}`}>
        {a.actorId}
      </a>
    </span>,
    <span>{t('audit.alerts.window', { start: when.format(new Date(a.windowStart)), end: when.format(new Date(a.windowEnd)) })}</span>,
    <span>{String(a.reads)}</span>,
    <span>{String(a.usual)}</span>,
    a.acknowledgedAt ? (
      <span>{t('audit.alerts.acknowledgedBy', { name: name(a.acknowledgedBy), at: when.format(new Date(a.acknowledgedAt)) })}</span>
    ) : (
      <form method="post" action={`/staff/audit/alerts/${a.id}/acknowledge`}>
        <CsrfField ctx={ctx} />
        <button class="usa-button usa-button--outline" type="submit">
          {t('audit.alerts.acknowledge')}
        </button>
      </form>
    ),
  ]);
  return (
    <Layout ctx={ctx} title={t('audit.alerts.title')}>
      <div class="usa-prose">
        <h1>{t('audit.alerts.title')}</h1>
        <p class="usa-intro">{t('audit.alerts.intro', { minutes: props.windowMinutes })}</p>
      </div>
      {props.acknowledged ? (
        <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
          <div class="usa-alert__body">
            <p class="usa-alert__text">{t('audit.alerts.done')}</p>
          </div>
        </div>
      ) : null}
      {props.alerts.length === 0 ? (
        <p>{t('audit.alerts.empty')}</p>
      ) : (
        <Table
          caption={t('audit.alerts.caption')}
          headers={[t('audit.alerts.col.at'), t('audit.alerts.col.account'), t('audit.alerts.col.window'), t('audit.alerts.col.reads'), t('audit.alerts.col.usual'), t('audit.alerts.col.status')]}
          numeric={[3, 4]}
          rows={rows}
        />
      )}
    </Layout>
  );
}
