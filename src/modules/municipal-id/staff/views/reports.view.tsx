import type { PublishedCell } from '../../../../core/privacy/suppression.ts';
import { Table } from '../../../../core/views/components.tsx';
import { Layout } from '../../../../core/views/layout.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import type { StaffReport } from '../staff.service.ts';
import { DeskCrumbs, formatDay, formatMonth, formatNumber } from './desk-format.tsx';

function cell(ctx: ViewContext, c: PublishedCell): string {
  return c.suppressed ? ctx.t('municipalId.figures.suppressed') : formatNumber(ctx, c.value);
}

/** The program's report for staff: exact aggregate counts, waiting times, and the appointments' weekly figures. */
export function ReportsView(props: { ctx: ViewContext; report: StaffReport }) {
  const { ctx, report } = props;
  const t = ctx.t;
  const title = t('municipalId.reports.title');
  const days = (n: number | null) => (n === null ? t('municipalId.reports.none') : t('municipalId.reports.days', { n }));
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={<DeskCrumbs ctx={ctx} here={title} />}>
      <h1>{title}</h1>
      <p>{t('municipalId.reports.intro')}</p>
      <p>
        <a class="usa-link" href="/municipal-id/figures">
          {t('municipalId.reports.publicLink')}
        </a>
      </p>
      <h2>{t('municipalId.reports.cards.title')}</h2>
      <Table
        caption={t('municipalId.figures.byMonth.caption')}
        headers={[t('municipalId.figures.column.month'), t('municipalId.figures.column.cards')]}
        numeric={[1]}
        rows={report.months.map((m, i) => [formatMonth(ctx, m), formatNumber(ctx, report.byMonth[i] ?? 0)])}
      />
      <Table
        caption={t('municipalId.figures.byWard.caption', { months: report.months.length })}
        headers={[t('municipalId.figures.column.ward'), t('municipalId.figures.column.cards')]}
        numeric={[1]}
        rows={report.wards.map((w, i) => [w === 'none' ? t('municipalId.figures.ward.none') : t('municipalId.figures.ward', { ward: w }), formatNumber(ctx, report.byWard[i] ?? 0)])}
      />
      <h2>{t('municipalId.reports.waits.title')}</h2>
      <ul class="usa-list">
        <li>{t('municipalId.reports.waits.toDecision', { days: days(report.medianDaysToDecision) })}</li>
        <li>{t('municipalId.reports.waits.enrolmentToDecision', { days: days(report.medianDaysEnrolmentToDecision) })}</li>
        <li>{t('municipalId.reports.waits.basis', { n: report.decisions })}</li>
      </ul>
      <h2>{t('municipalId.reports.appointments.title')}</h2>
      <Table
        caption={t('municipalId.reports.appointments.caption', { max: report.appointments.smallCellMax })}
        headers={[
          t('municipalId.reports.appointments.week'),
          t('municipalId.reports.appointments.booked'),
          t('municipalId.reports.appointments.served'),
          t('municipalId.reports.appointments.noShows'),
          t('municipalId.reports.appointments.walkIns'),
        ]}
        numeric={[1, 2, 3, 4]}
        rows={report.appointments.weeks.map((w) => [formatDay(ctx, w.weekStart), cell(ctx, w.counts.appointments), cell(ctx, w.counts.served), cell(ctx, w.counts.noShows), cell(ctx, w.counts.walkIns)])}
      />
    </Layout>
  );
}
