import { Table } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { AuditEntry } from '../audit-entry.ts';

/** Label of a code from the catalog (`<prefix>.<code>`), or the code itself when it has none. */
function label(ctx: ViewContext, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  const text = ctx.t(key);
  return text === key ? code : text;
}

/**
 * Counsel's view of one record's access history: who (account id and role), when (in the city's time
 * zone), what, why, and under which legal process — never the record's contents.
 */
export function RecordHistoryPage(props: {
  ctx: ViewContext;
  recordType: string;
  recordId: string;
  entries: readonly AuditEntry[];
  /** Display names of the staff accounts that appear (by account id). */
  names: ReadonlyMap<string, string>;
  total: number;
  timeZone: string;
  /** Link to the next (older) page, when there is one. */
  olderHref?: string;
  /** Link back to the first page, when not on it. */
  newestHref?: string;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const when = new Intl.DateTimeFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: props.timeZone,
  });
  const rows = props.entries.map((e) => [
    <span>{String(e.seq)}</span>,
    <time datetime={e.at}>{when.format(new Date(e.at))}</time>,
    <span>
      {e.actorId && props.names.has(e.actorId) ? (
        <>
          {props.names.get(e.actorId)}
          <br />
        </>
      ) : null}
      {label(ctx, 'audit.role', e.actorRole)}
      <br />
      <span class="sanctuary-code">{e.actorId ?? t('audit.history.nobody')}</span>
    </span>,
    <span>
      {label(ctx, 'audit.action', e.action)}
      {e.detail ? (
        <>
          <br />
          <span class="sanctuary-code">{e.detail}</span>
        </>
      ) : null}
    </span>,
    <span>
      {label(ctx, 'audit.purpose', e.purpose)}
      {e.legalProcessId ? (
        <>
          <br />
          {t('audit.history.legalProcess', { id: e.legalProcessId })}
        </>
      ) : null}
    </span>,
    <span>{label(ctx, 'audit.outcome', e.outcome)}</span>,
    <span class="sanctuary-code">{e.requestId ?? ''}</span>,
  ]);
  return (
    <Layout ctx={ctx} title={t('audit.history.title')}>
      <div class="usa-prose">
        <h1>{t('audit.history.heading')}</h1>
        <p class="usa-intro">{t('audit.history.intro')}</p>
        <p>{t('audit.history.record', { type: props.recordType, id: props.recordId })}</p>
      </div>
      {props.total === 0 ? (
        <p>{t('audit.history.empty')}</p>
      ) : (
        <Table
          caption={t('audit.history.caption', { total: props.total })}
          headers={[
            t('audit.history.col.seq'),
            t('audit.history.col.at'),
            t('audit.history.col.actor'),
            t('audit.history.col.action'),
            t('audit.history.col.purpose'),
            t('audit.history.col.outcome'),
            t('audit.history.col.request'),
          ]}
          rows={rows}
        />
      )}
      <p>
        {props.olderHref ? (
          <a class="usa-link" href={props.olderHref}>
            {t('audit.history.older')}
          </a>
        ) : null}{' '}
        {props.newestHref ? (
          <a class="usa-link" href={props.newestHref}>
            {t('audit.history.newest')}
          </a>
        ) : null}
      </p>
    </Layout>
  );
}
