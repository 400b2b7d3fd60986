/**
 * The fund's pages: the program's overview (every source's burn), a source (its balance as a chart and a
 * table, its contracts), a contract, invoices, a case's time entries, a provider's billing page, and the funder
 * report. Cases appear by their short reference only — never a name.
 */
import type { Child } from 'hono/jsx';
import type { FieldError } from '../../../core/http/errors.ts';
import type { Translate } from '../../../core/i18n/messages.ts';
import type { FiscalYear } from '../../../core/jurisdiction/index.ts';
import type { PublishedCell } from '../../../core/privacy/suppression.ts';
import { Alert, Breadcrumbs, CsrfField, ErrorSummary, FormGroup, SummaryList, Table, Tag } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import { LineChart, type LineSeries } from '../../../core/views/line-chart.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { day } from './format.tsx';
import type en from '../locales/fund/en.json';
import type { BillingCase, Burn, CaseTime, ContractBurn, ContractDetail, FundOverview, FunderReport, InvoiceDetail, ProviderBilling, ReportRow, SourceDetail } from '../legal-defense.fund.ts';
import type { AmendmentRow, InvoiceRow, SourceRow } from '../legal-defense.fund.repo.ts';
import { ACTIVITIES, AMENDMENT_REASONS, CONTRACT_BASES, MAX_BURN_WINDOW_DAYS, MIN_BURN_WINDOW_DAYS, REJECT_REASONS, SOURCE_KINDS, daysBetween, minutesToTenths } from '../legal-defense.fund.rules.ts';

/** The fund catalog's keys: every key a view names statically is checked by the compiler. */
export type FundMessageKey = keyof typeof en;

type Err = readonly FieldError[];
type Values = Readonly<Record<string, string>>;

/** What a successful form says on the next page (`?done=`). */
export const FUND_DONE = [
  'source-added',
  'contract-added',
  'time-added',
  'time-deleted',
  'invoice-built',
  'invoice-submitted',
  'invoice-discarded',
  'line-removed',
  'invoice-approved',
  'invoice-rejected',
  'invoice-paid',
  'source-amended',
  'contract-amended',
] as const;

function ft(ctx: ViewContext): Translate<FundMessageKey> {
  return ctx.t;
}

const errOf = (ctx: ViewContext, errors: Err, name: string) => {
  const e = errors.find((x) => x.field === name);
  return e ? ctx.t(e.key, e.values) : undefined;
};

function locale(ctx: ViewContext): string {
  return ctx.locale === 'hmn' ? 'en' : ctx.locale;
}

/** Cents as money in the page's language (for display only: the amount itself stays integer cents). */
export function money(ctx: ViewContext, currency: string, cents: number): string {
  return new Intl.NumberFormat(locale(ctx), { style: 'currency', currency }).format(cents / 100);
}

/** Tenths of an hour as a number in the page's language ("4.5", "4,5"). */
function hoursNumber(ctx: ViewContext, tenths: number): string {
  return new Intl.NumberFormat(locale(ctx), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(tenths / 10);
}

function hours(ctx: ViewContext, minutes: number): string {
  return ft(ctx)('legal-defense.fund.hours', { hours: hoursNumber(ctx, minutesToTenths(minutes)) });
}

function Done(props: { ctx: ViewContext; done?: string }) {
  const done = FUND_DONE.find((d) => d === props.done);
  return done ? (
    <Alert type="success" slim>
      {ft(props.ctx)(`legal-defense.fund.done.${done}`)}
    </Alert>
  ) : null;
}

function crumbs(ctx: ViewContext, mode: 'program' | 'provider', items: ReadonlyArray<{ label: string; href?: string }>) {
  const t = ft(ctx);
  const root =
    mode === 'program'
      ? [
          { label: ctx.t('legal-defense.queue.title'), href: '/staff/legal-defense' },
          { label: t('legal-defense.fund.title'), href: '/staff/legal-defense/fund' },
        ]
      : [
          { label: ctx.t('legal-defense.assigned.title'), href: '/staff/legal-defense/assigned' },
          { label: t('legal-defense.fund.billing.title'), href: '/staff/legal-defense/billing' },
        ];
  return <Breadcrumbs ctx={ctx} items={[{ label: ctx.t('staff.home.title'), href: '/staff' }, ...root, ...items]} />;
}

/** "Runs out on …", "No spending in the window", "Spent". */
function runOut(ctx: ViewContext, burn: Burn): string {
  const t = ft(ctx);
  if (burn.projection.state === 'exhausted') return t('legal-defense.fund.burn.exhausted');
  if (burn.projection.state === 'distant') return t('legal-defense.fund.burn.distant', { end: day(ctx, burn.endsOn) });
  if (burn.projection.state === 'no-spending' || !burn.projection.runOutOn) return t('legal-defense.fund.burn.noSpending');
  return burn.projection.runOutOn > burn.endsOn
    ? t('legal-defense.fund.burn.lastsBeyond', { date: day(ctx, burn.projection.runOutOn), end: day(ctx, burn.endsOn) })
    : t('legal-defense.fund.burn.runsOut', { date: day(ctx, burn.projection.runOutOn), end: day(ctx, burn.endsOn) });
}

/** A burn's figures as a list. */
function BurnList(props: { ctx: ViewContext; burn: Burn; currency: string; allocatedLabel?: boolean }) {
  const { ctx, burn } = props;
  const t = ft(ctx);
  const m = (c: number) => money(ctx, props.currency, c);
  return (
    <SummaryList
      rows={[
        { key: t('legal-defense.fund.col.amount'), value: m(burn.amountCents) },
        ...(props.allocatedLabel ? [{ key: t('legal-defense.fund.col.allocated'), value: m(burn.allocatedCents) }, { key: t('legal-defense.fund.col.unallocated'), value: m(burn.amountCents - burn.allocatedCents) }] : []),
        { key: t('legal-defense.fund.col.invoiced'), value: m(burn.invoicedCents) },
        { key: t('legal-defense.fund.col.approved'), value: m(burn.approvedCents) },
        { key: t('legal-defense.fund.col.paid'), value: m(burn.paidCents) },
        { key: t('legal-defense.fund.col.remaining'), value: m(burn.remainingCents) },
        { key: t('legal-defense.fund.burn.rate', { days: burn.windowDays }), value: t('legal-defense.fund.burn.perDay', { amount: m(burn.projection.perDayCents) }) },
        { key: t('legal-defense.fund.burn.projection'), value: runOut(ctx, burn) },
      ]}
    />
  );
}

function WindowForm(props: { ctx: ViewContext; action: string; windowDays: number }) {
  const t = ft(props.ctx);
  return (
    <form method="get" action={props.action} class="usa-form">
      <FormGroup name="window" type="number" inputMode="numeric" label={t('legal-defense.fund.window.label')} hint={t('legal-defense.fund.window.hint', { min: MIN_BURN_WINDOW_DAYS, max: MAX_BURN_WINDOW_DAYS })} value={String(props.windowDays)} />
      <button type="submit" class="usa-button usa-button--outline">
        {t('legal-defense.fund.window.submit')}
      </button>
    </form>
  );
}

function statusTag(ctx: ViewContext, status: string) {
  return <Tag>{ft(ctx)(`legal-defense.fund.status.${status as 'draft'}`)}</Tag>;
}

function period(ctx: ViewContext, from: string, to: string): string {
  return ft(ctx)('legal-defense.fund.period', { from: day(ctx, from), to: day(ctx, to) });
}

// ---------------------------------------------------------------------------------------------------------
// The program's overview

/** The fund at a glance: each source's money and burn, the total, invoices waiting; add a source. */
export function FundOverviewView(props: { ctx: ViewContext; overview: FundOverview; currency: string; canManage: boolean; errors?: Err; values?: Values; done?: string }) {
  const { ctx, overview: o } = props;
  const t = ft(ctx);
  const m = (c: number) => money(ctx, props.currency, c);
  const errors = props.errors ?? [];
  const v = (n: string) => props.values?.[n];
  const title = t('legal-defense.fund.title');
  const row = (label: Child, b: Burn, kind: string) => [label, kind, m(b.amountCents), m(b.allocatedCents), m(b.invoicedCents), m(b.approvedCents), m(b.paidCents), m(b.remainingCents)];
  const link = (s: FundOverview['sources'][number]) => (
    <a class="usa-link" href={`/staff/legal-defense/fund/sources/${s.source.id}?window=${o.windowDays}`}>
      {s.source.name}
    </a>
  );
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, 'program', [])}>
      <Done ctx={ctx} done={props.done} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>{t('legal-defense.fund.intro')}</p>
      <ul class="usa-button-group">
        <li class="usa-button-group__item">
          <a class="usa-button" href="/staff/legal-defense/fund/invoices?status=submitted">
            {t('legal-defense.fund.invoices.waiting', { count: o.waiting })}
          </a>
        </li>
        <li class="usa-button-group__item">
          <a class="usa-button usa-button--outline" href="/staff/legal-defense/fund/invoices">
            {t('legal-defense.fund.invoices.title')}
          </a>
        </li>
        <li class="usa-button-group__item">
          <a class="usa-button usa-button--outline" href="/staff/legal-defense/fund/report">
            {t('legal-defense.fund.report.title')}
          </a>
        </li>
      </ul>
      <h2>{t('legal-defense.fund.sources.title')}</h2>
      <WindowForm ctx={ctx} action="/staff/legal-defense/fund" windowDays={o.windowDays} />
      {o.sources.length === 0 ? (
        <p>{t('legal-defense.fund.sources.none')}</p>
      ) : (
        <>
          <Table
            caption={t('legal-defense.fund.sources.money')}
            headers={[
              t('legal-defense.fund.col.source'),
              t('legal-defense.fund.col.kind'),
              t('legal-defense.fund.col.amount'),
              t('legal-defense.fund.col.allocated'),
              t('legal-defense.fund.col.invoiced'),
              t('legal-defense.fund.col.approved'),
              t('legal-defense.fund.col.paid'),
              t('legal-defense.fund.col.remaining'),
            ]}
            numeric={[2, 3, 4, 5, 6, 7]}
            rows={[...o.sources.map((s) => row(link(s), s.burn, t(`legal-defense.fund.kind.${s.source.kind as 'grant'}`))), ...(o.total ? [row(t('legal-defense.fund.total'), o.total, '')] : [])]}
          />
          <Table
            caption={t('legal-defense.fund.sources.caption', { days: o.windowDays })}
            headers={[t('legal-defense.fund.col.source'), t('legal-defense.fund.col.perDay'), t('legal-defense.fund.col.runsOut')]}
            numeric={[1]}
            rows={[...o.sources.map((s) => [link(s), m(s.burn.projection.perDayCents), runOut(ctx, s.burn)]), ...(o.total ? [[t('legal-defense.fund.total'), m(o.total.projection.perDayCents), runOut(ctx, o.total)]] : [])]}
          />
        </>
      )}
      {props.canManage ? <SourceForm ctx={ctx} errors={errors} v={v} fiscalYear={o.fiscalYear} /> : null}
    </Layout>
  );
}

function SourceForm(props: { ctx: ViewContext; errors: Err; v: (n: string) => string | undefined; fiscalYear: FiscalYear }) {
  const { ctx, errors, v } = props;
  const t = ft(ctx);
  const fy = props.fiscalYear;
  const periodHint = t('legal-defense.fund.field.period.hint', { year: fy.year, period: period(ctx, fy.startsOn, fy.endsOn) });
  return (
    <section aria-labelledby="add-source">
      <h2 id="add-source">{t('legal-defense.fund.sources.add')}</h2>
      <form method="post" action="/staff/legal-defense/fund/sources" class="usa-form usa-form--large">
        <CsrfField ctx={ctx} />
        <FormGroup name="kind" type="radio" label={t('legal-defense.fund.field.kind')} value={v('kind') ?? 'appropriation'} error={errOf(ctx, errors, 'kind')} choices={SOURCE_KINDS.map((k) => ({ value: k, label: t(`legal-defense.fund.kind.${k}`), hint: t(`legal-defense.fund.kind.${k}.hint`) }))} />
        <FormGroup name="name" label={t('legal-defense.fund.field.name')} value={v('name')} error={errOf(ctx, errors, 'name')} maxLength={150} />
        <FormGroup name="funder" label={t('legal-defense.fund.field.funder')} hint={t('legal-defense.fund.field.funder.hint')} value={v('funder')} error={errOf(ctx, errors, 'funder')} maxLength={150} />
        <FormGroup name="fiscalYear" type="number" inputMode="numeric" label={t('legal-defense.fund.field.fiscalYear')} hint={t('legal-defense.fund.field.fiscalYear.hint')} value={v('fiscalYear') ?? String(fy.year)} error={errOf(ctx, errors, 'fiscalYear')} />
        <FormGroup name="reference" label={t('legal-defense.fund.field.reference')} value={v('reference')} error={errOf(ctx, errors, 'reference')} maxLength={60} />
        <FormGroup name="amount" label={t('legal-defense.fund.field.amount')} hint={t('legal-defense.fund.field.amount.hint')} value={v('amount')} error={errOf(ctx, errors, 'amount')} inputMode="numeric" maxLength={40} />
        <FormGroup name="startsOn" type="date" label={t('legal-defense.fund.field.startsOn')} hint={periodHint} value={v('startsOn')} error={errOf(ctx, errors, 'startsOn')} />
        <FormGroup name="endsOn" type="date" label={t('legal-defense.fund.field.endsOn')} value={v('endsOn')} error={errOf(ctx, errors, 'endsOn')} />
        <FormGroup name="restrictions" type="textarea" label={t('legal-defense.fund.field.restrictions')} hint={t('legal-defense.fund.field.restrictions.hint')} value={v('restrictions')} error={errOf(ctx, errors, 'restrictions')} maxLength={1000} />
        <button type="submit" class="usa-button">
          {t('legal-defense.fund.sources.add')}
        </button>
      </form>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// A source

function monthLabel(ctx: ViewContext, iso: string): string {
  if (ctx.locale === 'hmn') return `${Number(iso.slice(5, 7))}/${iso.slice(2, 4)}`;
  return new Intl.DateTimeFormat(locale(ctx), { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(new Date(`${iso}T12:00:00Z`));
}

/** The balance month by month (and the projection) as a line chart. */
function BalanceChart(props: { ctx: ViewContext; detail: SourceDetail; currency: string }) {
  const { ctx, detail: d } = props;
  const t = ft(ctx);
  const start = d.source.starts_on;
  const horizon = [d.source.ends_on, d.today].sort()[1] as string;
  const xMax = Math.max(1, daysBetween(start, horizon));
  const m = (c: number) => money(ctx, props.currency, c);
  const balance: LineSeries = {
    label: t('legal-defense.fund.chart.remaining'),
    points: [{ x: 0, y: d.startAmountCents, title: t('legal-defense.fund.chart.point', { date: day(ctx, start), amount: m(d.startAmountCents) }) }, ...d.balance.map((p) => ({ x: daysBetween(start, p.on), y: p.remainingCents, title: t('legal-defense.fund.chart.point', { date: day(ctx, p.on), amount: m(p.remainingCents) }) }))],
  };
  const series: LineSeries[] = [balance];
  const proj = d.burn.projection;
  if (proj.state === 'projected' && proj.runOutOn && d.today <= horizon) {
    const end = proj.runOutOn < horizon ? proj.runOutOn : horizon;
    const left = Math.max(0, d.burn.remainingCents - proj.perDayCents * daysBetween(d.today, end));
    series.push({
      label: t('legal-defense.fund.chart.projection'),
      points: [
        { x: daysBetween(start, d.today), y: d.burn.remainingCents, title: t('legal-defense.fund.chart.point', { date: day(ctx, d.today), amount: m(d.burn.remainingCents) }) },
        { x: daysBetween(start, end), y: proj.runOutOn <= horizon ? 0 : left, title: t('legal-defense.fund.chart.point', { date: day(ctx, end), amount: m(proj.runOutOn <= horizon ? 0 : left) }) },
      ],
    });
  }
  const ticks = d.balance.filter((_, i) => d.balance.length <= 12 || i % Math.ceil(d.balance.length / 12) === 0).map((p) => ({ x: daysBetween(start, p.on), label: monthLabel(ctx, p.on) }));
  return (
    <LineChart
      id={`balance-${d.source.id}`}
      title={t('legal-defense.fund.chart.title', { source: d.source.name })}
      desc={t('legal-defense.fund.chart.desc', { amount: m(d.startAmountCents), remaining: m(d.burn.remainingCents), projection: runOut(ctx, d.burn) })}
      caption={t(series.length > 1 ? 'legal-defense.fund.chart.caption' : 'legal-defense.fund.chart.captionNoProjection')}
      series={series}
      xMax={xMax}
      yMax={Math.max(d.source.amount_cents, ...balance.points.map((p) => p.y))}
      xTicks={ticks}
      yFormat={(c) => m(Math.round(c))}
      area
    />
  );
}

function contractRows(ctx: ViewContext, currency: string, contracts: readonly ContractBurn[], href: (c: ContractBurn) => string | null) {
  const t = ft(ctx);
  const m = (c: number) => money(ctx, currency, c);
  return contracts.map((c) => {
    const link = href(c);
    const name = link ? (
      <a class="usa-link" href={link}>
        {c.providerName}
      </a>
    ) : (
      c.providerName
    );
    const used = c.contract.basis === 'per-case' ? t('legal-defense.fund.used.cases', { used: c.usedCases, cap: c.contract.cap }) : t('legal-defense.fund.used.hours', { used: hoursNumber(ctx, minutesToTenths(c.usedMinutes)), cap: c.contract.cap });
    return [
      name,
      t(`legal-defense.fund.basis.${c.contract.basis as 'hourly'}`),
      t(c.contract.basis === 'per-case' ? 'legal-defense.fund.rate.perCase' : 'legal-defense.fund.rate.perHour', { amount: m(c.contract.rate_cents) }),
      used,
      m(c.contract.ceiling_cents),
      m(c.burn.approvedCents),
      m(c.burn.paidCents),
      m(c.burn.remainingCents),
      period(ctx, c.contract.starts_on, c.contract.ends_on),
    ];
  });
}

const CONTRACT_HEADERS = (t: Translate<FundMessageKey>) => [
  t('legal-defense.fund.col.provider'),
  t('legal-defense.fund.col.basis'),
  t('legal-defense.fund.col.rate'),
  t('legal-defense.fund.col.used'),
  t('legal-defense.fund.col.ceiling'),
  t('legal-defense.fund.col.approved'),
  t('legal-defense.fund.col.paid'),
  t('legal-defense.fund.col.remaining'),
  t('legal-defense.fund.col.period'),
];

/** A source's page: what it is, its burn (chart and table), its contracts; add a contract. */
export function SourceView(props: { ctx: ViewContext; detail: SourceDetail; providers: ReadonlyArray<{ id: string; name: string }>; currency: string; canManage: boolean; errors?: Err; values?: Values; done?: string }) {
  const { ctx, detail: d } = props;
  const t = ft(ctx);
  const m = (c: number) => money(ctx, props.currency, c);
  const errors = props.errors ?? [];
  const v = (n: string) => props.values?.[n];
  const s = d.source;
  return (
    <Layout ctx={ctx} title={s.name} breadcrumbs={crumbs(ctx, 'program', [{ label: s.name }])}>
      <Done ctx={ctx} done={props.done} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{s.name}</h1>
      <SourceFacts ctx={ctx} source={s} />
      <h2>{t('legal-defense.fund.burn.title')}</h2>
      <WindowForm ctx={ctx} action={`/staff/legal-defense/fund/sources/${s.id}`} windowDays={d.windowDays} />
      <BurnList ctx={ctx} burn={d.burn} currency={props.currency} allocatedLabel />
      <BalanceChart ctx={ctx} detail={d} currency={props.currency} />
      <Table
        caption={t('legal-defense.fund.balance.caption')}
        headers={[t('legal-defense.fund.col.monthEnd'), t('legal-defense.fund.col.approvedInMonth'), t('legal-defense.fund.col.remaining')]}
        numeric={[1, 2]}
        rows={d.balance.map((p) => [day(ctx, p.on), m(p.approvedCents), m(p.remainingCents)])}
      />
      <p>
        <a class="usa-link" href={`/staff/legal-defense/fund/report?source=${s.id}`}>
          {t('legal-defense.fund.report.forSource')}
        </a>
      </p>
      <h2>{t('legal-defense.fund.contracts.title')}</h2>
      {d.contracts.length === 0 ? (
        <p>{t('legal-defense.fund.contracts.none')}</p>
      ) : (
        <Table caption={t('legal-defense.fund.contracts.caption', { source: s.name })} headers={CONTRACT_HEADERS(t)} numeric={[4, 5, 6, 7]} rows={contractRows(ctx, props.currency, d.contracts, (c) => `/staff/legal-defense/fund/contracts/${c.contract.id}`)} />
      )}
      {props.canManage ? (
        <section aria-labelledby="add-contract">
          <h2 id="add-contract">{t('legal-defense.fund.contracts.add')}</h2>
          <p>{t('legal-defense.fund.contracts.left', { amount: m(s.amount_cents - s.allocated_cents) })}</p>
          <form method="post" action={`/staff/legal-defense/fund/sources/${s.id}/contracts`} class="usa-form usa-form--large">
            <CsrfField ctx={ctx} />
            <FormGroup name="providerId" type="select" label={t('legal-defense.fund.field.provider')} value={v('providerId')} error={errOf(ctx, errors, 'providerId')} choices={[{ value: '', label: t('legal-defense.fund.field.choose') }, ...props.providers.map((p) => ({ value: p.id, label: p.name }))]} />
            <FormGroup name="basis" type="radio" label={t('legal-defense.fund.field.basis')} value={v('basis') ?? 'hourly'} error={errOf(ctx, errors, 'basis')} choices={CONTRACT_BASES.map((b) => ({ value: b, label: t(`legal-defense.fund.basis.${b}`), hint: t(`legal-defense.fund.basis.${b}.hint`) }))} />
            <FormGroup name="rate" label={t('legal-defense.fund.field.rate')} hint={t('legal-defense.fund.field.rate.hint')} value={v('rate')} error={errOf(ctx, errors, 'rate')} inputMode="numeric" maxLength={40} />
            <FormGroup name="cap" type="number" inputMode="numeric" label={t('legal-defense.fund.field.cap')} hint={t('legal-defense.fund.field.cap.hint')} value={v('cap')} error={errOf(ctx, errors, 'cap')} />
            <FormGroup name="startsOn" type="date" label={t('legal-defense.fund.field.startsOn')} value={v('startsOn') ?? s.starts_on} error={errOf(ctx, errors, 'startsOn')} />
            <FormGroup name="endsOn" type="date" label={t('legal-defense.fund.field.endsOn')} value={v('endsOn') ?? s.ends_on} error={errOf(ctx, errors, 'endsOn')} />
            <FormGroup name="reference" label={t('legal-defense.fund.field.contractReference')} value={v('reference')} error={errOf(ctx, errors, 'reference')} maxLength={60} />
            <button type="submit" class="usa-button">
              {t('legal-defense.fund.contracts.add')}
            </button>
          </form>
        </section>
      ) : null}
      <Amendments ctx={ctx} amendments={d.amendments} currency={props.currency} contractNames={new Map(d.contracts.map((c) => [c.contract.id, c.providerName]))} />
      {props.canManage ? (
        <AmendForm ctx={ctx} action={`/staff/legal-defense/fund/sources/${s.id}/amend`} errors={errors} v={v} hint={t('legal-defense.fund.amend.sourceHint', { allocated: m(s.allocated_cents) })}>
          <FormGroup name="newAmount" label={t('legal-defense.fund.field.newAmount')} hint={t('legal-defense.fund.field.newAmount.hint', { amount: m(s.amount_cents) })} value={v('newAmount')} error={errOf(ctx, errors, 'newAmount')} inputMode="numeric" maxLength={40} />
          <FormGroup name="newEndsOn" type="date" label={t('legal-defense.fund.field.newEndsOn')} hint={t('legal-defense.fund.field.newEndsOn.hint', { date: day(ctx, s.ends_on) })} value={v('newEndsOn')} error={errOf(ctx, errors, 'newEndsOn')} />
        </AmendForm>
      ) : null}
    </Layout>
  );
}

/** The amendments of a source (with its contracts') or of a contract: what changed, from what to what, why. */
function Amendments(props: { ctx: ViewContext; amendments: readonly AmendmentRow[]; currency: string; contractNames: ReadonlyMap<string, string> }) {
  const { ctx } = props;
  const t = ft(ctx);
  const m = (c: number) => money(ctx, props.currency, c);
  return (
    <section aria-labelledby="amendments">
      <h2 id="amendments">{t('legal-defense.fund.amend.history')}</h2>
      {props.amendments.length === 0 ? (
        <p>{t('legal-defense.fund.amend.none')}</p>
      ) : (
        <Table
          caption={t('legal-defense.fund.amend.history')}
          headers={[t('legal-defense.fund.col.day'), t('legal-defense.fund.col.what'), t('legal-defense.fund.col.reason'), t('legal-defense.fund.col.amountChange'), t('legal-defense.fund.col.endChange'), t('legal-defense.fund.col.reference')]}
          rows={props.amendments.map((a) => [
            day(ctx, a.amended_at.slice(0, 10)),
            a.contract_id === null ? t('legal-defense.fund.amend.ofSource') : t('legal-defense.fund.amend.ofContract', { provider: props.contractNames.get(a.contract_id) ?? '' }),
            t(`legal-defense.fund.amend.reason.${a.reason as 'supplemental'}`),
            a.amount_before_cents === a.amount_after_cents
              ? t('legal-defense.fund.amend.unchanged')
              : t('legal-defense.fund.amend.fromTo', { from: m(a.amount_before_cents), to: m(a.amount_after_cents) }) +
                (a.cap_before !== null && a.cap_after !== null && a.cap_before !== a.cap_after ? ` (${t('legal-defense.fund.amend.capFromTo', { from: a.cap_before, to: a.cap_after })})` : ''),
            a.ends_before === a.ends_after ? t('legal-defense.fund.amend.unchanged') : t('legal-defense.fund.amend.fromTo', { from: day(ctx, a.ends_before), to: day(ctx, a.ends_after) }),
            a.reference ?? '',
          ])}
        />
      )}
    </section>
  );
}

/** The form that amends a source or a contract: its own fields, then why and the amendment's number. */
function AmendForm(props: { ctx: ViewContext; action: string; errors: Err; v: (n: string) => string | undefined; hint: string; children: Child }) {
  const { ctx, errors, v } = props;
  const t = ft(ctx);
  return (
    <section aria-labelledby="amend">
      <h2 id="amend">{t('legal-defense.fund.amend.title')}</h2>
      <p>{props.hint}</p>
      <form method="post" action={props.action} class="usa-form usa-form--large">
        <CsrfField ctx={ctx} />
        {props.children}
        <FormGroup name="amendReason" type="select" label={t('legal-defense.fund.field.amendReason')} value={v('amendReason')} error={errOf(ctx, errors, 'amendReason')} choices={[{ value: '', label: t('legal-defense.fund.field.choose') }, ...AMENDMENT_REASONS.map((r) => ({ value: r, label: t(`legal-defense.fund.amend.reason.${r}`) }))]} />
        <FormGroup name="amendReference" label={t('legal-defense.fund.field.amendReference')} hint={t('legal-defense.fund.field.amendReference.hint')} value={v('amendReference')} error={errOf(ctx, errors, 'amendReference')} maxLength={60} />
        <button type="submit" class="usa-button">
          {t('legal-defense.fund.amend.submit')}
        </button>
      </form>
    </section>
  );
}

function SourceFacts(props: { ctx: ViewContext; source: SourceRow }) {
  const { ctx, source: s } = props;
  const t = ft(ctx);
  return (
    <SummaryList
      rows={[
        { key: t('legal-defense.fund.field.kind'), value: t(`legal-defense.fund.kind.${s.kind as 'grant'}`) },
        ...(s.funder ? [{ key: t('legal-defense.fund.field.funder'), value: s.funder }] : []),
        ...(s.fiscal_year !== null ? [{ key: t('legal-defense.fund.field.fiscalYear'), value: String(s.fiscal_year) }] : []),
        ...(s.reference ? [{ key: t('legal-defense.fund.field.reference'), value: s.reference }] : []),
        { key: t('legal-defense.fund.col.period'), value: period(ctx, s.starts_on, s.ends_on) },
        ...(s.restrictions ? [{ key: t('legal-defense.fund.field.restrictions'), value: s.restrictions }] : []),
      ]}
    />
  );
}

// ---------------------------------------------------------------------------------------------------------
// A contract

function invoiceRows(ctx: ViewContext, currency: string, invoices: readonly InvoiceRow[], base: string, names?: ReadonlyMap<string, string>) {
  return invoices.map((i) => [
    <a class="usa-link" href={`${base}/invoices/${i.id}`}>
      {i.id.slice(-8)}
    </a>,
    ...(names ? [names.get(i.provider_id) ?? ''] : []),
    period(ctx, i.period_from, i.period_to),
    statusTag(ctx, i.status),
    money(ctx, currency, i.total_cents),
  ]);
}

function CasesTable(props: { ctx: ViewContext; cases: readonly BillingCase[]; base: string; caption: string }) {
  const { ctx } = props;
  const t = ft(ctx);
  if (props.cases.length === 0) return <p>{t('legal-defense.fund.cases.none')}</p>;
  return (
    <Table
      caption={props.caption}
      headers={[ctx.t('legal-defense.case.reference'), ctx.t('legal-defense.case.status'), t('legal-defense.fund.col.acceptedOn'), t('legal-defense.fund.col.hours'), t('legal-defense.fund.col.unbilled')]}
      numeric={[3, 4]}
      rows={props.cases.map((c) => [
        <a class="usa-link" href={`${props.base}/cases/${c.id}`}>
          {c.reference}
        </a>,
        <Tag>{ctx.t(`legal-defense.status.${c.status}`)}</Tag>,
        day(ctx, c.acceptedOn),
        hours(ctx, c.minutes),
        hours(ctx, c.unbilledMinutes),
      ])}
    />
  );
}

/** Dates of a billing period, defaulting to the running month up to today. */
function PeriodFields(props: { ctx: ViewContext; errors: Err; v: (n: string) => string | undefined; today: string }) {
  const { ctx, errors, v } = props;
  const t = ft(ctx);
  return (
    <>
      <FormGroup name="from" type="date" label={t('legal-defense.fund.field.from')} value={v('from') ?? `${props.today.slice(0, 8)}01`} error={errOf(ctx, errors, 'from')} />
      <FormGroup name="to" type="date" label={t('legal-defense.fund.field.to')} value={v('to') ?? props.today} error={errOf(ctx, errors, 'to')} />
    </>
  );
}

/** A contract's page (program staff): its burn, its invoices, the provider's cases; prepare an invoice for it. */
export function ContractView(props: { ctx: ViewContext; detail: ContractDetail; currency: string; canManage: boolean; errors?: Err; values?: Values; done?: string }) {
  const { ctx, detail: d } = props;
  const t = ft(ctx);
  const errors = props.errors ?? [];
  const v = (n: string) => props.values?.[n];
  const c = d.entry.contract;
  const title = t('legal-defense.fund.contract.title', { provider: d.entry.providerName });
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, 'program', [{ label: d.source.name, href: `/staff/legal-defense/fund/sources/${d.source.id}` }, { label: title }])}>
      <Done ctx={ctx} done={props.done} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <Table caption={t('legal-defense.fund.contract.terms')} headers={CONTRACT_HEADERS(t)} numeric={[4, 5, 6, 7]} rows={contractRows(ctx, props.currency, [d.entry], () => null)} />
      {c.reference ? <p>{t('legal-defense.fund.contract.reference', { reference: c.reference })}</p> : null}
      <h2>{t('legal-defense.fund.burn.title')}</h2>
      <BurnList ctx={ctx} burn={d.entry.burn} currency={props.currency} />
      <h2>{t('legal-defense.fund.invoices.title')}</h2>
      {d.invoices.length === 0 ? (
        <p>{t('legal-defense.fund.invoices.none')}</p>
      ) : (
        <Table caption={t('legal-defense.fund.invoices.ofContract')} headers={[t('legal-defense.fund.col.invoice'), t('legal-defense.fund.col.period'), t('legal-defense.fund.col.status'), t('legal-defense.fund.col.total')]} numeric={[3]} rows={invoiceRows(ctx, props.currency, d.invoices, '/staff/legal-defense/fund')} />
      )}
      <h2>{t('legal-defense.fund.cases.title')}</h2>
      <CasesTable ctx={ctx} cases={d.cases} base="/staff/legal-defense/fund" caption={t('legal-defense.fund.cases.caption', { provider: d.entry.providerName })} />
      {props.canManage ? (
        <section aria-labelledby="prepare-invoice">
          <h2 id="prepare-invoice">{t('legal-defense.fund.invoices.prepare')}</h2>
          <p>{t(c.basis === 'per-case' ? 'legal-defense.fund.invoices.prepare.perCase' : 'legal-defense.fund.invoices.prepare.hourly')}</p>
          <form method="post" action={`/staff/legal-defense/fund/contracts/${c.id}/invoices`} class="usa-form">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="contractId" value={c.id} />
            <PeriodFields ctx={ctx} errors={errors} v={v} today={d.today} />
            <button type="submit" class="usa-button">
              {t('legal-defense.fund.invoices.prepare')}
            </button>
          </form>
        </section>
      ) : null}
      <Amendments ctx={ctx} amendments={d.amendments} currency={props.currency} contractNames={new Map([[c.id, d.entry.providerName]])} />
      {props.canManage ? (
        <AmendForm ctx={ctx} action={`/staff/legal-defense/fund/contracts/${c.id}/amend`} errors={errors} v={v} hint={t('legal-defense.fund.amend.contractHint', { left: money(ctx, props.currency, d.source.amount_cents - d.source.allocated_cents) })}>
          <FormGroup name="newCap" type="number" inputMode="numeric" label={t('legal-defense.fund.field.newCap')} hint={t('legal-defense.fund.field.newCap.hint', { cap: c.cap })} value={v('newCap')} error={errOf(ctx, errors, 'newCap')} />
          <FormGroup name="newEndsOn" type="date" label={t('legal-defense.fund.field.newEndsOn')} hint={t('legal-defense.fund.field.newEndsOn.hint', { date: day(ctx, c.ends_on) })} value={v('newEndsOn')} error={errOf(ctx, errors, 'newEndsOn')} />
        </AmendForm>
      ) : null}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Invoices

/** Every invoice, newest first, filtered by status. */
export function InvoicesView(props: { ctx: ViewContext; invoices: readonly InvoiceRow[]; status?: string; providers: ReadonlyMap<string, string>; currency: string }) {
  const { ctx } = props;
  const t = ft(ctx);
  const title = t('legal-defense.fund.invoices.title');
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, 'program', [{ label: title }])}>
      <h1>{title}</h1>
      <form method="get" action="/staff/legal-defense/fund/invoices" class="usa-form">
        <FormGroup
          name="status"
          type="select"
          label={t('legal-defense.fund.col.status')}
          value={props.status ?? ''}
          choices={[{ value: '', label: t('legal-defense.fund.invoices.all') }, ...(['draft', 'submitted', 'approved', 'rejected', 'paid'] as const).map((s) => ({ value: s, label: t(`legal-defense.fund.status.${s}`) }))]}
        />
        <button type="submit" class="usa-button usa-button--outline">
          {t('legal-defense.fund.invoices.filter')}
        </button>
      </form>
      {props.invoices.length === 0 ? (
        <p>{t('legal-defense.fund.invoices.none')}</p>
      ) : (
        <Table
          caption={props.status ? t(`legal-defense.fund.status.${props.status as 'draft'}`) : t('legal-defense.fund.invoices.all')}
          headers={[t('legal-defense.fund.col.invoice'), t('legal-defense.fund.col.provider'), t('legal-defense.fund.col.period'), t('legal-defense.fund.col.status'), t('legal-defense.fund.col.total')]}
          numeric={[4]}
          rows={invoiceRows(ctx, props.currency, props.invoices, '/staff/legal-defense/fund', props.providers)}
        />
      )}
    </Layout>
  );
}

/** One invoice: its lines and what can be done with it now (by whom). */
export function InvoiceView(props: {
  ctx: ViewContext;
  detail: InvoiceDetail;
  mode: 'program' | 'provider';
  currency: string;
  today: string;
  /** Program staff with fund.manage: approve, reject, pay; both modes may submit and edit a draft. */
  canDecide: boolean;
  canEdit: boolean;
  errors?: Err;
  values?: Values;
  done?: string;
}) {
  const { ctx, detail: d } = props;
  const t = ft(ctx);
  const m = (c: number) => money(ctx, props.currency, c);
  const errors = props.errors ?? [];
  const v = (n: string) => props.values?.[n];
  const i = d.invoice;
  const base = props.mode === 'program' ? '/staff/legal-defense/fund' : '/staff/legal-defense/billing';
  const title = t('legal-defense.fund.invoice.title', { reference: d.reference });
  const draft = i.status === 'draft';
  const overCeiling = (i.status === 'draft' || i.status === 'submitted') && i.total_cents > d.contractLeftCents;
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, props.mode, props.mode === 'program' ? [{ label: t('legal-defense.fund.invoices.title'), href: '/staff/legal-defense/fund/invoices' }, { label: title }] : [{ label: title }])}>
      <Done ctx={ctx} done={props.done} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <SummaryList
        rows={[
          { key: t('legal-defense.fund.col.provider'), value: d.providerName },
          { key: t('legal-defense.fund.col.source'), value: d.source.name },
          { key: t('legal-defense.fund.col.basis'), value: `${t(`legal-defense.fund.basis.${d.contract.basis as 'hourly'}`)} · ${t(d.contract.basis === 'per-case' ? 'legal-defense.fund.rate.perCase' : 'legal-defense.fund.rate.perHour', { amount: m(d.contract.rate_cents) })}` },
          { key: t('legal-defense.fund.col.period'), value: period(ctx, i.period_from, i.period_to) },
          { key: t('legal-defense.fund.col.status'), value: statusTag(ctx, i.status) },
          { key: t('legal-defense.fund.col.total'), value: m(i.total_cents) },
          { key: t('legal-defense.fund.col.cases'), value: String(i.case_count) },
          ...(i.minutes_total > 0 ? [{ key: t('legal-defense.fund.col.hours'), value: hours(ctx, i.minutes_total) }] : []),
          ...(i.reject_reason ? [{ key: t('legal-defense.fund.field.reason'), value: t(`legal-defense.fund.reject.${i.reject_reason as 'other'}`) }] : []),
          ...(i.paid_on ? [{ key: t('legal-defense.fund.field.paidOn'), value: day(ctx, i.paid_on) }] : []),
          ...(i.payment_reference ? [{ key: t('legal-defense.fund.field.paymentReference'), value: i.payment_reference }] : []),
          { key: t('legal-defense.fund.invoice.contractLeft'), value: m(d.contractLeftCents) },
        ]}
      />
      {overCeiling ? (
        <Alert type="warning" slim>
          {t('legal-defense.fund.invoice.overCeiling', { total: m(i.total_cents), left: m(d.contractLeftCents) })}
        </Alert>
      ) : null}
      <Table
        caption={t('legal-defense.fund.invoice.lines')}
        headers={[
          t('legal-defense.fund.col.day'),
          t('legal-defense.fund.col.case'),
          t('legal-defense.fund.col.activity'),
          t('legal-defense.fund.col.hours'),
          t('legal-defense.fund.col.amount'),
          ...(draft && props.canEdit ? [t('legal-defense.fund.col.action')] : []),
        ]}
        numeric={[3, 4]}
        rows={d.lines.map((l) => [
          l.worked_on ? day(ctx, l.worked_on) : '—',
          l.case_id && l.caseReference ? (
            <a class="usa-link" href={`${base}/cases/${l.case_id}`}>
              {l.caseReference}
            </a>
          ) : (
            t('legal-defense.fund.invoice.caseForgotten')
          ),
          l.kind === 'case' ? t('legal-defense.fund.invoice.perCaseLine') : t(`legal-defense.fund.activity.${(l.activity ?? 'court') as 'court'}`),
          l.kind === 'case' ? '—' : hours(ctx, l.minutes),
          m(l.amount_cents),
          ...(draft && props.canEdit
            ? [
                <form method="post" action={`${base}/invoices/${i.id}/lines/${l.id}/remove`}>
                  <CsrfField ctx={ctx} />
                  <button type="submit" class="usa-button usa-button--unstyled">
                    {t('legal-defense.fund.invoice.removeLine', { day: l.worked_on ? day(ctx, l.worked_on) : '' })}
                  </button>
                </form>,
              ]
            : []),
        ])}
      />
      {draft && props.canEdit ? (
        <ul class="usa-button-group">
          <li class="usa-button-group__item">
            <form method="post" action={`${base}/invoices/${i.id}/submit`}>
              <CsrfField ctx={ctx} />
              <button type="submit" class="usa-button">
                {t('legal-defense.fund.invoice.submit')}
              </button>
            </form>
          </li>
          <li class="usa-button-group__item">
            <form method="post" action={`${base}/invoices/${i.id}/discard`}>
              <CsrfField ctx={ctx} />
              <button type="submit" class="usa-button usa-button--secondary">
                {t('legal-defense.fund.invoice.discard')}
              </button>
            </form>
          </li>
        </ul>
      ) : null}
      {i.status === 'submitted' && props.canDecide ? (
        <section aria-labelledby="decide">
          <h2 id="decide">{t('legal-defense.fund.invoice.decide')}</h2>
          <form method="post" action={`/staff/legal-defense/fund/invoices/${i.id}/approve`} id="field-decision" tabindex={-1}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="usa-button">
              {t('legal-defense.fund.invoice.approve')}
            </button>
          </form>
          <form method="post" action={`/staff/legal-defense/fund/invoices/${i.id}/reject`} class="usa-form">
            <CsrfField ctx={ctx} />
            <FormGroup name="reason" type="select" label={t('legal-defense.fund.field.reason')} value={v('reason')} error={errOf(ctx, errors, 'reason')} choices={[{ value: '', label: t('legal-defense.fund.field.choose') }, ...REJECT_REASONS.map((r) => ({ value: r, label: t(`legal-defense.fund.reject.${r}`) }))]} />
            <button type="submit" class="usa-button usa-button--secondary">
              {t('legal-defense.fund.invoice.reject')}
            </button>
          </form>
        </section>
      ) : null}
      {i.status === 'approved' && props.canDecide ? (
        <section aria-labelledby="pay">
          <h2 id="pay">{t('legal-defense.fund.invoice.pay')}</h2>
          <form method="post" action={`/staff/legal-defense/fund/invoices/${i.id}/pay`} class="usa-form">
            <CsrfField ctx={ctx} />
            <FormGroup name="paidOn" type="date" label={t('legal-defense.fund.field.paidOn')} value={v('paidOn') ?? props.today} error={errOf(ctx, errors, 'paidOn')} />
            <FormGroup name="reference" label={t('legal-defense.fund.field.paymentReference')} hint={t('legal-defense.fund.field.paymentReference.hint')} value={v('reference')} error={errOf(ctx, errors, 'reference')} maxLength={40} />
            <button type="submit" class="usa-button">
              {t('legal-defense.fund.invoice.pay')}
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Time on a case

/** A case's time entries, and the form to add one (the attorney of the provider, or program staff). */
export function CaseTimeView(props: { ctx: ViewContext; time: CaseTime; mode: 'program' | 'provider'; today: string; errors?: Err; values?: Values; done?: string; canEdit: boolean }) {
  const { ctx, time: c } = props;
  const t = ft(ctx);
  const errors = props.errors ?? [];
  const v = (n: string) => props.values?.[n];
  const base = props.mode === 'program' ? '/staff/legal-defense/fund' : '/staff/legal-defense/billing';
  const caseHref = props.mode === 'program' ? `/staff/legal-defense/cases/${c.caseId}` : `/staff/legal-defense/assigned/${c.caseId}`;
  const title = t('legal-defense.fund.time.title', { reference: c.reference });
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, props.mode, [{ label: title }])}>
      <Done ctx={ctx} done={props.done} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <SummaryList
        rows={[
          { key: t('legal-defense.fund.col.acceptedOn'), value: day(ctx, c.acceptedOn) },
          ...(c.closedOn ? [{ key: t('legal-defense.fund.time.closedOn'), value: day(ctx, c.closedOn) }] : []),
          { key: t('legal-defense.fund.col.hours'), value: hours(ctx, c.totalMinutes) },
          { key: t('legal-defense.fund.col.unbilled'), value: hours(ctx, c.unbilledMinutes) },
        ]}
      />
      <p>
        <a class="usa-link" href={caseHref}>
          {t('legal-defense.fund.time.openCase')}
        </a>
      </p>
      {props.canEdit ? (
        <section aria-labelledby="add-time">
          <h2 id="add-time">{t('legal-defense.fund.time.add')}</h2>
          <p>{t('legal-defense.fund.time.rules')}</p>
          <form method="post" action={`${base}/cases/${c.caseId}/time`} class="usa-form">
            <CsrfField ctx={ctx} />
            <FormGroup name="workedOn" type="date" label={t('legal-defense.fund.field.workedOn')} value={v('workedOn') ?? props.today} error={errOf(ctx, errors, 'workedOn')} />
            <FormGroup name="duration" label={t('legal-defense.fund.field.duration')} hint={t('legal-defense.fund.field.duration.hint')} value={v('duration')} error={errOf(ctx, errors, 'duration')} inputMode="text" maxLength={20} />
            <FormGroup name="activity" type="select" label={t('legal-defense.fund.field.activity')} value={v('activity')} error={errOf(ctx, errors, 'activity')} choices={[{ value: '', label: t('legal-defense.fund.field.choose') }, ...ACTIVITIES.map((a) => ({ value: a, label: t(`legal-defense.fund.activity.${a}`) }))]} />
            <button type="submit" class="usa-button">
              {t('legal-defense.fund.time.add')}
            </button>
          </form>
        </section>
      ) : null}
      <h2>{t('legal-defense.fund.time.entries')}</h2>
      {c.entries.length === 0 ? (
        <p>{t('legal-defense.fund.time.none')}</p>
      ) : (
        <Table
          caption={t('legal-defense.fund.time.entries')}
          headers={[t('legal-defense.fund.col.day'), t('legal-defense.fund.col.activity'), t('legal-defense.fund.col.hours'), t('legal-defense.fund.col.invoice'), ...(props.canEdit ? [t('legal-defense.fund.col.action')] : [])]}
          numeric={[2]}
          rows={c.entries.map((e) => [
            day(ctx, e.workedOn),
            t(`legal-defense.fund.activity.${e.activity}`),
            hours(ctx, e.minutes),
            e.invoiceId ? (
              <a class="usa-link" href={`${base}/invoices/${e.invoiceId}`}>
                {e.invoiceId.slice(-8)}
              </a>
            ) : (
              t('legal-defense.fund.time.notInvoiced')
            ),
            ...(props.canEdit
              ? [
                  e.invoiceId ? (
                    '—'
                  ) : (
                    <form method="post" action={`${base}/time/${e.id}/delete`}>
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="usa-button usa-button--unstyled">
                        {t('legal-defense.fund.time.delete', { day: day(ctx, e.workedOn) })}
                      </button>
                    </form>
                  ),
                ]
              : []),
          ])}
        />
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------------------
// A provider's billing page

/** The attorney's page: their provider's contracts, cases to bill, invoices; prepare an invoice. */
export function BillingView(props: { ctx: ViewContext; billing: ProviderBilling; currency: string; errors?: Err; values?: Values; done?: string }) {
  const { ctx, billing: b } = props;
  const t = ft(ctx);
  const errors = props.errors ?? [];
  const v = (n: string) => props.values?.[n];
  const title = t('legal-defense.fund.billing.title');
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, 'provider', [])}>
      <Done ctx={ctx} done={props.done} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      {b.providerId === null ? (
        <p>{ctx.t('legal-defense.assigned.notLinked')}</p>
      ) : (
        <>
          <p>{t('legal-defense.fund.billing.intro', { provider: b.providerName })}</p>
          <h2>{t('legal-defense.fund.contracts.title')}</h2>
          {b.contracts.length === 0 ? (
            <p>{t('legal-defense.fund.contracts.none')}</p>
          ) : (
            <Table caption={t('legal-defense.fund.contracts.caption', { source: b.providerName })} headers={CONTRACT_HEADERS(t)} numeric={[4, 5, 6, 7]} rows={contractRows(ctx, props.currency, b.contracts, () => null)} />
          )}
          <h2>{t('legal-defense.fund.cases.title')}</h2>
          <CasesTable ctx={ctx} cases={b.cases} base="/staff/legal-defense/billing" caption={t('legal-defense.fund.cases.caption', { provider: b.providerName })} />
          {b.contracts.length > 0 ? (
            <section aria-labelledby="prepare-invoice">
              <h2 id="prepare-invoice">{t('legal-defense.fund.invoices.prepare')}</h2>
              <p>{t('legal-defense.fund.billing.prepareIntro')}</p>
              <form method="post" action="/staff/legal-defense/billing/invoices" class="usa-form">
                <CsrfField ctx={ctx} />
                <FormGroup
                  name="contractId"
                  type="select"
                  label={t('legal-defense.fund.field.contract')}
                  value={v('contractId')}
                  error={errOf(ctx, errors, 'contractId')}
                  choices={[
                    { value: '', label: t('legal-defense.fund.field.choose') },
                    ...b.contracts.map((c) => ({
                      value: c.contract.id,
                      label: t('legal-defense.fund.contract.choice', { source: b.sources.get(c.contract.source_id)?.name ?? '', basis: t(`legal-defense.fund.basis.${c.contract.basis as 'hourly'}`), period: period(ctx, c.contract.starts_on, c.contract.ends_on) }),
                    })),
                  ]}
                />
                <PeriodFields ctx={ctx} errors={errors} v={v} today={b.today} />
                <button type="submit" class="usa-button">
                  {t('legal-defense.fund.invoices.prepare')}
                </button>
              </form>
            </section>
          ) : null}
          <h2>{t('legal-defense.fund.invoices.title')}</h2>
          {b.invoices.length === 0 ? (
            <p>{t('legal-defense.fund.invoices.none')}</p>
          ) : (
            <Table caption={t('legal-defense.fund.invoices.ofProvider', { provider: b.providerName })} headers={[t('legal-defense.fund.col.invoice'), t('legal-defense.fund.col.period'), t('legal-defense.fund.col.status'), t('legal-defense.fund.col.total')]} numeric={[3]} rows={invoiceRows(ctx, props.currency, b.invoices, '/staff/legal-defense/billing')} />
          )}
        </>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------------------
// The funder report

function cellText(ctx: ViewContext, c: PublishedCell, format: (v: number) => string): string {
  return c.suppressed ? ft(ctx)('legal-defense.fund.report.hidden') : format(c.value);
}

/** The funder report of one source and period: money position, figures by provider (suppressed), hours by activity. */
export function FunderReportView(props: {
  ctx: ViewContext;
  sources: readonly SourceRow[];
  years: readonly number[];
  report: FunderReport | null;
  currency: string;
  errors?: Err;
  query: { source?: string; fy?: number | string; from?: string; to?: string };
}) {
  const { ctx, report: r } = props;
  const t = ft(ctx);
  const m = (c: number) => money(ctx, props.currency, c);
  const errors = props.errors ?? [];
  const title = t('legal-defense.fund.report.title');
  const tenths = (v: number) => t('legal-defense.fund.hours', { hours: hoursNumber(ctx, v) });
  const reportRow = (row: ReportRow, name: string) => [name, cellText(ctx, row.cases, String), cellText(ctx, row.hoursTenths, tenths), cellText(ctx, row.approvedCents, m), cellText(ctx, row.paidCents, m)];
  const csv = r ? `/staff/legal-defense/fund/report.csv?source=${r.source.id}&from=${r.from}&to=${r.to}` : '';
  const fy = props.query.fy === undefined || props.query.fy === '' ? undefined : String(props.query.fy);
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, 'program', [{ label: title }])}>
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>{t('legal-defense.fund.report.intro')}</p>
      <form method="get" action="/staff/legal-defense/fund/report" class="usa-form">
        <FormGroup name="source" type="select" label={t('legal-defense.fund.col.source')} value={props.query.source ?? r?.source.id ?? ''} error={errOf(ctx, errors, 'source')} choices={[{ value: '', label: t('legal-defense.fund.field.choose') }, ...props.sources.map((s) => ({ value: s.id, label: s.name }))]} />
        <FormGroup name="fy" type="select" label={t('legal-defense.fund.field.fiscalYear')} hint={t('legal-defense.fund.report.fiscalYearHint')} value={fy ?? ''} error={errOf(ctx, errors, 'fy')} choices={[{ value: '', label: t('legal-defense.fund.report.wholePeriod') }, ...props.years.map((y) => ({ value: String(y), label: String(y) }))]} />
        <FormGroup name="from" type="date" label={t('legal-defense.fund.field.from')} hint={t('legal-defense.fund.report.periodHint')} value={props.query.from ?? (fy === undefined ? r?.from : undefined)} error={errOf(ctx, errors, 'from')} />
        <FormGroup name="to" type="date" label={t('legal-defense.fund.field.to')} value={props.query.to ?? (fy === undefined ? r?.to : undefined)} error={errOf(ctx, errors, 'to')} />
        <button type="submit" class="usa-button">
          {t('legal-defense.fund.report.show')}
        </button>
      </form>
      {fy !== undefined && !errors.some((e) => e.field === 'fy') ? (
        <p>
          <a class="usa-link" href={`/staff/legal-defense/fund/report.csv?fy=${encodeURIComponent(fy)}`} download>
            {t('legal-defense.fund.report.csvYear', { year: fy })}
          </a>
        </p>
      ) : null}
      {r ? (
        <section aria-labelledby="report-source">
          <h2 id="report-source">{t('legal-defense.fund.report.heading', { source: r.source.name, period: period(ctx, r.from, r.to) })}</h2>
          <SourceFacts ctx={ctx} source={r.source} />
          <h3>{t('legal-defense.fund.report.position')}</h3>
          <SummaryList
            rows={[
              { key: t('legal-defense.fund.col.amount'), value: m(r.position.amountCents) },
              { key: t('legal-defense.fund.col.allocated'), value: m(r.position.allocatedCents) },
              { key: t('legal-defense.fund.col.approved'), value: cellText(ctx, r.position.approvedCents, m) },
              { key: t('legal-defense.fund.col.paid'), value: cellText(ctx, r.position.paidCents, m) },
              { key: t('legal-defense.fund.col.remaining'), value: cellText(ctx, r.position.remainingCents, m) },
            ]}
          />
          <Table
            caption={t('legal-defense.fund.report.byProvider')}
            headers={[t('legal-defense.fund.col.provider'), t('legal-defense.fund.col.casesRepresented'), t('legal-defense.fund.col.hours'), t('legal-defense.fund.col.approved'), t('legal-defense.fund.col.paid')]}
            numeric={[1, 2, 3, 4]}
            rows={[...r.rows.map((row) => reportRow(row, row.name)), reportRow(r.total, t('legal-defense.fund.total'))]}
          />
          {r.suppressedCount > 0 ? <p>{t('legal-defense.fund.report.suppressed', { count: r.suppressedCount })}</p> : null}
          {r.activities.length > 0 ? (
            <Table caption={t('legal-defense.fund.report.byActivity')} headers={[t('legal-defense.fund.col.activity'), t('legal-defense.fund.col.hours')]} numeric={[1]} rows={r.activities.map((a) => [t(`legal-defense.fund.activity.${a.activity}`), cellText(ctx, a.hoursTenths, tenths)])} />
          ) : null}
          <p>{t('legal-defense.fund.report.method')}</p>
          <p>
            <a class="usa-link" href={csv} download>
              {t('legal-defense.fund.report.csv')}
            </a>
          </p>
        </section>
      ) : null}
    </Layout>
  );
}
