import type { ClockView } from '../../../core/clocks/index.ts';
import type { FieldError } from '../../../core/http/errors.ts';
import { Alert, Breadcrumbs, CsrfField, ErrorSummary, FormGroup, SummaryList, Table, Tag } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { CUSTODY, OUTCOMES, PROCEEDING_KINDS, RELIEF } from '../legal-defense.court.ts';
import { REFERRALS } from '../legal-defense.eligibility.ts';
import { FACILITIES, facilityName } from '../legal-defense.facilities.ts';
import type { ProviderRow, QueueRow } from '../legal-defense.repo.ts';
import { DECLINE_REASONS, INELIGIBLE_REASONS, PERSON_LANGUAGES, RESIDENCY_BASES, RESIDENCY_NOTES } from '../legal-defense.schemas.ts';
import type { CaseDetail, RestrictedDetail } from '../legal-defense.service.ts';
import { CloseSection } from './close.view.tsx';
import { ClockLine, day, languageName, when } from './format.tsx';

type Err = readonly FieldError[];
const errOf = (ctx: ViewContext, errors: Err, name: string) => {
  const e = errors.find((x) => x.field === name);
  return e ? ctx.t(e.key, e.values) : undefined;
};

function crumbs(ctx: ViewContext, items: ReadonlyArray<{ label: string; href?: string }>) {
  return <Breadcrumbs ctx={ctx} items={[{ label: ctx.t('staff.home.title'), href: '/staff' }, ...items]} />;
}

/** The program queue: categories, dates and clocks only (no name, so not an audited read). */
export function QueueView(props: {
  ctx: ViewContext;
  view: 'waiting' | 'assigned';
  items: readonly QueueRow[];
  next: string | null;
  counts: ReadonlyArray<{ status: string; n: number }>;
  /** The cases' first-contact clocks, by clock id. */
  clocks: ReadonlyMap<string, ClockView>;
  providers: ReadonlyMap<string, string>;
  timeZone: string;
  now: Date;
  can: { intake: boolean; providers: boolean; fund?: boolean };
}) {
  const { ctx } = props;
  const t = ctx.t;
  const title = t('legal-defense.queue.title');
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, [{ label: title }])}>
      <h1>{title}</h1>
      <ul class="usa-button-group">
        {props.can.intake ? (
          <li class="usa-button-group__item">
            <a class="usa-button" href="/staff/legal-defense/intake">
              {t('legal-defense.intake.title')}
            </a>
          </li>
        ) : null}
        {props.can.providers ? (
          <li class="usa-button-group__item">
            <a class="usa-button usa-button--outline" href="/staff/legal-defense/providers">
              {t('legal-defense.providers.title')}
            </a>
          </li>
        ) : null}
        {props.can.fund ? (
          <li class="usa-button-group__item">
            <a class="usa-button usa-button--outline" href="/staff/legal-defense/fund">
              {t('legal-defense.fund.nav.fund')}
            </a>
          </li>
        ) : null}
        <li class="usa-button-group__item">
          <a class="usa-button usa-button--outline" href="/legal-defense/outcomes">
            {t('legal-defense.outcomes.link')}
          </a>
        </li>
      </ul>
      <SummaryList rows={props.counts.map((c) => ({ key: t(`legal-defense.status.${c.status}`), value: String(c.n) }))} />
      <nav aria-label={t('legal-defense.queue.views')}>
        <ul class="usa-button-group usa-button-group--segmented">
          {(['waiting', 'assigned'] as const).map((view) => (
            <li class="usa-button-group__item">
              <a class={`usa-button${props.view === view ? '' : ' usa-button--outline'}`} href={`/staff/legal-defense?view=${view}`} aria-current={props.view === view ? 'page' : undefined}>
                {t(`legal-defense.queue.view.${view}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.items.length === 0 ? (
        <p>{t('legal-defense.queue.empty')}</p>
      ) : (
        <Table
          caption={t(`legal-defense.queue.view.${props.view}`)}
          headers={[t('legal-defense.case.reference'), t('legal-defense.case.status'), t('legal-defense.case.reported'), t('legal-defense.case.contactClock'), t('legal-defense.case.language'), t('legal-defense.case.provider'), t('legal-defense.case.reports')]}
          numeric={[6]}
          rows={props.items.map((r) => [
            <a class="usa-link" href={`/staff/legal-defense/cases/${r.id}`}>
              {r.id.slice(-8)}
            </a>,
            <Tag>{t(`legal-defense.status.${r.status}`)}</Tag>,
            when(ctx, r.created_at, props.timeZone),
            <ClockLine ctx={ctx} clock={r.contact_clock_id ? (props.clocks.get(r.contact_clock_id) ?? null) : null} timeZone={props.timeZone} now={props.now} />,
            languageName(ctx, r.person_language),
            r.provider_id ? (props.providers.get(r.provider_id) ?? '') : '—',
            String(r.report_count),
          ])}
        />
      )}
      {props.next ? (
        <a class="usa-link" href={`/staff/legal-defense?view=${props.view}&after=${props.next}`}>
          {t('legal-defense.queue.next')}
        </a>
      ) : null}
    </Layout>
  );
}

/** "Why this provider", in words. */
function ExplanationList(props: { ctx: ViewContext; a: CaseDetail['assignments'][number]; providers: ReadonlyMap<string, string> }) {
  const { ctx, a } = props;
  const t = ctx.t;
  const e = a.explanation;
  return (
    <ul class="usa-list">
      <li>{t(e.languageMatch ? 'legal-defense.why.languageMatch' : 'legal-defense.why.noLanguageMatch')}</li>
      {e.load ? <li>{t('legal-defense.why.load', { open: e.load.open, capacity: e.load.capacity })}</li> : null}
      <li>{e.lastAssignedAt ? t('legal-defense.why.rotation') : t('legal-defense.why.firstOffer')}</li>
      <li>{t('legal-defense.why.candidates', { count: e.candidates })}</li>
      {e.excluded.map((x) => (
        <li>{t(`legal-defense.why.excluded.${x.reason}`, { provider: props.providers.get(x.providerId) ?? x.providerId.slice(-8) })}</li>
      ))}
    </ul>
  );
}

/** One case, for program staff (`mode: program`) or the assigned provider's attorney (`mode: provider`). */
export function CaseView(props: {
  ctx: ViewContext;
  detail: CaseDetail;
  mode: 'program' | 'provider';
  timeZone: string;
  now: Date;
  incomeScreening: boolean;
  providers: ReadonlyMap<string, string>;
  can: { decide: boolean; restricted: boolean };
  /** May record court events and filings (program staff, or the provider once it accepted). */
  canCourt?: boolean;
  errors?: Err;
  values?: Readonly<Record<string, string>>;
  done?: string;
}) {
  const { ctx, detail: d } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const v = (name: string) => props.values?.[name];
  const base = props.mode === 'program' ? `/staff/legal-defense/cases/${d.id}` : `/staff/legal-defense/assigned/${d.id}`;
  const title = t('legal-defense.case.title', { reference: d.reference });
  const parent = props.mode === 'program' ? { label: t('legal-defense.queue.title'), href: '/staff/legal-defense' } : { label: t('legal-defense.assigned.title'), href: '/staff/legal-defense/assigned' };
  const current = d.assignments[d.assignments.length - 1];
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, [parent, { label: title }])}>
      {props.done ? <Alert type="success" slim>{t(`legal-defense.done.${props.done}`)}</Alert> : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>
        <Tag tone="big">{t(`legal-defense.status.${d.status}`)}</Tag>
      </p>
      {d.status === 'accepted' || d.status === 'contacted' ? (
        <p>
          <a class="usa-link" href={`${props.mode === 'program' ? '/staff/legal-defense/fund' : '/staff/legal-defense/billing'}/cases/${d.id}`}>
            {t('legal-defense.fund.time.link')}
          </a>
        </p>
      ) : null}
      <h2>{t('legal-defense.case.clocks')}</h2>
      <SummaryList
        rows={[
          { key: t('legal-defense.case.contactClock'), value: <ClockLine ctx={ctx} clock={d.contactClock} timeZone={props.timeZone} now={props.now} /> },
          ...(d.acceptClock ? [{ key: t('legal-defense.case.acceptClock'), value: <ClockLine ctx={ctx} clock={d.acceptClock} timeZone={props.timeZone} now={props.now} /> }] : []),
        ]}
      />
      <h2>{t('legal-defense.case.person')}</h2>
      <SummaryList
        rows={[
          { key: t('legal-defense.form.givenName.label'), value: d.person.givenName },
          { key: t('legal-defense.form.familyName.label'), value: d.person.familyName },
          ...(d.person.otherNames ? [{ key: t('legal-defense.case.label.otherNames'), value: d.person.otherNames }] : []),
          { key: t('legal-defense.case.label.dateOfBirth'), value: d.person.dateOfBirth ? day(ctx, d.person.dateOfBirth) : t('legal-defense.case.notGiven') },
          { key: t('legal-defense.case.detainedOn'), value: day(ctx, d.detainedOn) },
          { key: t('legal-defense.case.language'), value: languageName(ctx, d.personLanguage) },
          { key: t('legal-defense.case.reports'), value: String(d.reportCount) },
        ]}
      />
      {props.can.restricted ? (
        <p>
          <a class="usa-button usa-button--outline" href={`${base}/restricted`}>
            {t('legal-defense.restricted.show')}
          </a>
        </p>
      ) : null}
      <h2>{t('legal-defense.case.contact')}</h2>
      <SummaryList
        rows={[
          { key: t('legal-defense.form.contactName.label'), value: d.contact.name },
          ...(d.contact.relationship ? [{ key: t('legal-defense.case.label.contactRelationship'), value: d.contact.relationship }] : []),
          { key: t('legal-defense.form.contactMethod.label'), value: t(`legal-defense.contactMethod.${d.contact.method}`) },
          { key: d.contact.email ? t('legal-defense.form.contactEmail.label') : t('legal-defense.form.contactPhone.label'), value: d.contact.email ?? d.contact.phone ?? '' },
        ]}
      />

      {props.mode === 'provider' && d.status === 'offered' ? (
        <section aria-labelledby="offer-heading">
          <h2 id="offer-heading">{t('legal-defense.offer.title')}</h2>
          <p>{t('legal-defense.offer.intro')}</p>
          <form method="post" action={`${base}/accept`}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="usa-button">
              {t('legal-defense.offer.accept')}
            </button>
          </form>
          <form method="post" action={`${base}/decline`} class="usa-form">
            <CsrfField ctx={ctx} />
            <FormGroup name="reason" type="select" label={t('legal-defense.offer.reason')} error={errOf(ctx, errors, 'reason')} value={v('reason') ?? ''} choices={[{ value: '', label: t('legal-defense.offer.reasonChoose') }, ...DECLINE_REASONS.map((r) => ({ value: r, label: t(`legal-defense.decline.${r}`) }))]} />
            <button type="submit" class="usa-button usa-button--secondary">
              {t('legal-defense.offer.decline')}
            </button>
          </form>
        </section>
      ) : null}
      {props.mode === 'provider' && d.status === 'accepted' ? (
        <form method="post" action={`${base}/contact`}>
          <CsrfField ctx={ctx} />
          <button type="submit" class="usa-button">
            {t('legal-defense.contact.record')}
          </button>
        </form>
      ) : null}

      {props.mode === 'program' ? (
        <section aria-labelledby="eligibility-heading">
          <h2 id="eligibility-heading">{t('legal-defense.eligibility.title')}</h2>
          {d.disposition ? (
            <SummaryList
              rows={[
                { key: t('legal-defense.eligibility.disposition'), value: t(`legal-defense.disposition.${d.disposition}`) },
                ...(d.residencyBasis ? [{ key: t('legal-defense.eligibility.basis'), value: t(`legal-defense.basis.${d.residencyBasis}`) }] : []),
                ...(d.dispositionReason ? [{ key: t('legal-defense.eligibility.reason'), value: t(`legal-defense.ineligible.${d.dispositionReason}`) }] : []),
              ]}
            />
          ) : null}
          {d.disposition === 'ineligible' && d.dispositionReason ? <Referrals ctx={ctx} reason={d.dispositionReason} /> : null}
          {props.can.decide && (d.status === 'reported' || d.status === 'eligible') ? (
            <form method="post" action={`${base}/eligibility`} class="usa-form usa-form--large">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="revision" value={String(d.revision)} />
              <p>{t('legal-defense.eligibility.noMerits')}</p>
              <FormGroup name="decision" type="radio" label={t('legal-defense.eligibility.decision')} value={v('decision')} error={errOf(ctx, errors, 'decision')} choices={[{ value: 'eligible', label: t('legal-defense.disposition.eligible') }, { value: 'ineligible', label: t('legal-defense.disposition.ineligible') }]} />
              <FormGroup name="basis" type="radio" label={t('legal-defense.eligibility.basis')} value={v('basis')} error={errOf(ctx, errors, 'basis')} choices={RESIDENCY_BASES.map((b) => ({ value: b, label: t(`legal-defense.basis.${b}`), hint: t(`legal-defense.basis.${b}.hint`) }))} />
              <FormGroup name="street" label={t('legal-defense.form.street.label')} hint={t('legal-defense.eligibility.addressHint')} value={v('street')} error={errOf(ctx, errors, 'street')} maxLength={120} autocomplete="off" />
              <FormGroup name="zip" label={t('legal-defense.form.zip.label')} value={v('zip')} error={errOf(ctx, errors, 'zip')} maxLength={10} autocomplete="off" />
              {props.incomeScreening ? (
                <FormGroup name="incomeWithinLimit" type="radio" label={t('legal-defense.eligibility.income')} value={v('incomeWithinLimit')} error={errOf(ctx, errors, 'incomeWithinLimit')} choices={[{ value: 'yes', label: t('legal-defense.yes') }, { value: 'no', label: t('legal-defense.no') }]} />
              ) : null}
              <FormGroup name="reason" type="select" label={t('legal-defense.eligibility.reason')} value={v('reason')} error={errOf(ctx, errors, 'reason')} choices={[{ value: '', label: t('legal-defense.eligibility.reasonNone') }, ...INELIGIBLE_REASONS.map((r) => ({ value: r, label: t(`legal-defense.ineligible.${r}`) }))]} />
              <button type="submit" class="usa-button">
                {t('legal-defense.eligibility.save')}
              </button>
            </form>
          ) : null}
          {props.can.decide && d.status === 'eligible' ? (
            <form method="post" action={`${base}/offer`}>
              <CsrfField ctx={ctx} />
              <button type="submit" class="usa-button usa-button--outline">
                {t('legal-defense.offer.again')}
              </button>
            </form>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="court-heading">
        <h2 id="court-heading">{t('legal-defense.court.title')}</h2>
        {d.proceedings.length === 0 ? <p>{t('legal-defense.court.none')}</p> : null}
        {d.proceedings.length > 0 ? (
          <Table
            caption={t('legal-defense.court.calendar')}
            headers={[t('legal-defense.court.on'), t('legal-defense.court.kind')]}
            rows={d.proceedings.map((p) => [day(ctx, p.on), t(`legal-defense.proceeding.${p.kind}`)])}
          />
        ) : null}
        {d.deadlines.length > 0 ? (
          <>
            <h3>{t('legal-defense.court.deadlines')}</h3>
            <ul class="usa-list">
              {d.deadlines.map((c) => (
                <li>
                  {t(`legal-defense.rule.${c.governingRule}`)}: <ClockLine ctx={ctx} clock={c} timeZone={props.timeZone} now={props.now} />
                  {props.canCourt && (c.status === 'running' || c.status === 'overdue') ? (
                    <form method="post" action={`${base}/deadlines/${c.id}/met`}>
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="usa-button usa-button--outline usa-button--small">
                        {t('legal-defense.court.filed', { rule: t(`legal-defense.rule.${c.governingRule}`) })}
                      </button>
                    </form>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <SummaryList
          rows={[
            { key: t('legal-defense.court.custody'), value: d.custody ? t(`legal-defense.custody.${d.custody}`) : t('legal-defense.case.notGiven') },
            { key: t('legal-defense.court.relief'), value: d.reliefSought.length > 0 ? d.reliefSought.map((r) => t(`legal-defense.relief.${r}`)).join(', ') : t('legal-defense.case.notGiven') },
            { key: t('legal-defense.court.outcome'), value: d.outcome ? t(`legal-defense.outcome.${d.outcome}`) : t('legal-defense.case.notGiven') },
          ]}
        />
        {props.canCourt ? (
          <form method="post" action={`${base}/status`} class="usa-form">
            <CsrfField ctx={ctx} />
            <FormGroup name="custody" type="select" label={t('legal-defense.court.custody')} value={v('custody') ?? d.custody ?? 'detained'} error={errOf(ctx, errors, 'custody')} choices={CUSTODY.map((c) => ({ value: c, label: t(`legal-defense.custody.${c}`) }))} />
            <FormGroup name="relief" type="checkbox" label={t('legal-defense.court.relief')} value={d.reliefSought} error={errOf(ctx, errors, 'relief')} choices={RELIEF.map((r) => ({ value: r, label: t(`legal-defense.relief.${r}`) }))} />
            <FormGroup name="outcome" type="select" label={t('legal-defense.court.outcome')} value={v('outcome') ?? d.outcome ?? 'pending'} error={errOf(ctx, errors, 'outcome')} choices={OUTCOMES.map((o) => ({ value: o, label: t(`legal-defense.outcome.${o}`) }))} />
            <button type="submit" class="usa-button usa-button--outline">
              {t('legal-defense.court.saveStatus')}
            </button>
          </form>
        ) : null}
        {props.canCourt && props.can.restricted ? (
          <form method="post" action={`${base}/transfer`} class="usa-form">
            <CsrfField ctx={ctx} />
            <FormGroup
              name="facility"
              type="select"
              label={t('legal-defense.court.transferTo')}
              hint={t('legal-defense.court.transferHint')}
              error={errOf(ctx, errors, 'facility')}
              choices={[...FACILITIES.map((f) => ({ value: f.id, label: f.name, lang: 'en' })), { value: 'other', label: t('legal-defense.facility.other') }]}
            />
            <FormGroup name="facilityOther" label={t('legal-defense.form.facilityOther.label')} hint={t('legal-defense.intake.ifOther')} error={errOf(ctx, errors, 'facilityOther')} maxLength={200} autocomplete="off" />
            <button type="submit" class="usa-button usa-button--outline">
              {t('legal-defense.court.transfer')}
            </button>
          </form>
        ) : null}
        {props.canCourt ? (
          <form method="post" action={`${base}/proceedings`} class="usa-form">
            <CsrfField ctx={ctx} />
            <FormGroup name="kind" type="select" label={t('legal-defense.court.kind')} value={v('kind')} error={errOf(ctx, errors, 'kind')} choices={PROCEEDING_KINDS.map((k) => ({ value: k, label: t(`legal-defense.proceeding.${k}`) }))} />
            <FormGroup name="on" type="date" label={t('legal-defense.court.on')} hint={t('legal-defense.court.onHint')} value={v('on')} error={errOf(ctx, errors, 'on')} />
            <button type="submit" class="usa-button usa-button--outline">
              {t('legal-defense.court.add')}
            </button>
          </form>
        ) : null}
      </section>

      <CloseSection ctx={ctx} base={base} open={d.open} closingReason={d.closingReason} closedOn={d.closedOn} canClose={props.mode === 'program' ? props.can.decide : d.status === 'accepted' || d.status === 'contacted'} errors={errors} values={props.values} />

      <h2>{t('legal-defense.case.offers')}</h2>
      {d.assignments.length === 0 ? <p>{t('legal-defense.case.noOffers')}</p> : null}
      {d.assignments.map((a) => (
        <div class="sanctuary-card">
          <h3>
            {a.providerName} — {t(`legal-defense.offerStatus.${a.status}`)}
          </h3>
          <p>
            {when(ctx, a.offeredAt, props.timeZone)}
            {a.reasonCode && a.status === 'declined' ? ` — ${t(`legal-defense.decline.${a.reasonCode}`)}` : ''}
          </p>
          {props.mode === 'program' || a === current ? (
            <details>
              <summary>{t('legal-defense.why.title')}</summary>
              <ExplanationList ctx={ctx} a={a} providers={props.providers} />
            </details>
          ) : null}
        </div>
      ))}
      <h2>{t('legal-defense.case.history')}</h2>
      <ol class="usa-list">
        {d.events.map((e) => (
          <li>
            {when(ctx, e.at, props.timeZone)} — {t(`legal-defense.event.${e.kind}`)}
            {e.kind === 'eligibility-needed' && e.reasonCode !== null && (RESIDENCY_NOTES as readonly string[]).includes(e.reasonCode) ? `: ${t(`legal-defense.residencyNote.${e.reasonCode}`)}` : ''}
          </li>
        ))}
      </ol>
    </Layout>
  );
}

/** Translated referrals for a person the program does not serve. */
export function Referrals(props: { ctx: ViewContext; reason: string }) {
  const keys: Readonly<Record<string, readonly string[]>> = REFERRALS;
  return (
    <div>
      <h3>{props.ctx.t('legal-defense.referral.title')}</h3>
      <ul class="usa-list">
        {(keys[props.reason] ?? []).map((k) => (
          <li>{props.ctx.t(k)}</li>
        ))}
      </ul>
    </div>
  );
}

/** The restricted fields, shown on their own page (each view is audited). */
export function RestrictedView(props: { ctx: ViewContext; detail: RestrictedDetail; back: string; timeZone: string }) {
  const { ctx, detail: d } = props;
  const t = ctx.t;
  const title = t('legal-defense.restricted.title', { reference: d.reference });
  const place = (code: string, other?: string) => facilityName(code) ?? (code === 'other' ? (other ?? '') : t('legal-defense.facility.unknown'));
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, [{ label: t('legal-defense.case.title', { reference: d.reference }), href: props.back }, { label: title }])}>
      <h1>{title}</h1>
      <Alert type="warning" slim>
        {t('legal-defense.restricted.warning')}
      </Alert>
      <SummaryList
        rows={[
          { key: t('legal-defense.case.label.aNumber'), value: d.aNumber ?? t('legal-defense.case.notGiven') },
          { key: t('legal-defense.form.facility.label'), value: place(d.detention.facility, d.detention.facilityOther) },
          { key: t('legal-defense.form.detainedPlace.label'), value: d.detention.detainedPlace },
          { key: t('legal-defense.form.detainedOn.label'), value: day(ctx, d.detention.detainedOn) },
        ]}
      />
      {d.reportedPlaces.length > 1 ? (
        <Table
          caption={t('legal-defense.restricted.reports')}
          headers={[t('legal-defense.case.reported'), t('legal-defense.form.facility.label'), t('legal-defense.form.detainedPlace.label'), t('legal-defense.case.label.aNumber')]}
          rows={d.reportedPlaces.map((p) => [when(ctx, p.receivedAt, props.timeZone), place(p.facility, p.facilityOther), p.detainedPlace, p.aNumber ?? '—'])}
        />
      ) : null}
      <a class="usa-link" href={props.back}>
        {t('legal-defense.restricted.back')}
      </a>
    </Layout>
  );
}

/** The provider roster: capacity, load, languages, availability; add a provider, link attorneys, add parties. */
export function ProvidersView(props: { ctx: ViewContext; providers: readonly ProviderRow[]; errors?: Err; values?: Readonly<Record<string, string>>; done?: string }) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const v = (n: string) => props.values?.[n];
  const title = t('legal-defense.providers.title');
  const langs = PERSON_LANGUAGES.map((l) => ({ value: l.code, label: l.name, lang: l.code }));
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, [{ label: t('legal-defense.queue.title'), href: '/staff/legal-defense' }, { label: title }])}>
      {props.done ? <Alert type="success" slim>{t(`legal-defense.done.${props.done}`)}</Alert> : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      {props.providers.length === 0 ? <p>{t('legal-defense.providers.none')}</p> : null}
      {props.providers.map((p) => {
        const languages = JSON.parse(p.languages) as string[];
        return (
          <section class="sanctuary-card" aria-labelledby={`provider-${p.id}`}>
            <h2 id={`provider-${p.id}`}>{p.name}</h2>
            <SummaryList
              rows={[
                { key: t('legal-defense.providers.load'), value: t('legal-defense.providers.loadValue', { open: p.open_cases, capacity: p.capacity }) },
                { key: t('legal-defense.providers.available'), value: t(p.available === 1 ? 'legal-defense.yes' : 'legal-defense.no') },
                { key: t('legal-defense.providers.languages'), value: languages.map((c) => PERSON_LANGUAGES.find((l) => l.code === c)?.name ?? c).join(', ') || '—' },
              ]}
            />
            <form method="post" action={`/staff/legal-defense/providers/${p.id}`} class="usa-form">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="name" value={p.name} />
              <FormGroup name="capacity" type="number" label={t('legal-defense.providers.capacity')} value={String(p.capacity)} inputMode="numeric" />
              <FormGroup name="languages" type="checkbox" label={t('legal-defense.providers.languages')} value={languages} choices={langs} />
              <FormGroup name="available" type="checkbox" label={t('legal-defense.providers.availability')} value={p.available === 1 ? ['yes'] : []} choices={[{ value: 'yes', label: t('legal-defense.providers.takesCases') }]} />
              <button type="submit" class="usa-button usa-button--outline">
                {t('legal-defense.providers.save')}
              </button>
            </form>
            <form method="post" action={`/staff/legal-defense/providers/${p.id}/attorneys`} class="usa-form">
              <CsrfField ctx={ctx} />
              <FormGroup name="email" type="email" label={t('legal-defense.providers.attorneyEmail')} hint={t('legal-defense.providers.attorneyHint')} autocomplete="off" />
              <button type="submit" class="usa-button usa-button--outline">
                {t('legal-defense.providers.link')}
              </button>
            </form>
            <form method="post" action={`/staff/legal-defense/providers/${p.id}/parties`} class="usa-form">
              <CsrfField ctx={ctx} />
              <p>{t('legal-defense.providers.partiesIntro')}</p>
              <FormGroup name="aNumber" label={t('legal-defense.form.aNumber.label')} autocomplete="off" maxLength={20} />
              <FormGroup name="givenName" label={t('legal-defense.form.givenName.label')} autocomplete="off" maxLength={100} />
              <FormGroup name="familyName" label={t('legal-defense.form.familyName.label')} autocomplete="off" maxLength={100} />
              <FormGroup name="dateOfBirth" type="date" label={t('legal-defense.form.dateOfBirth.label')} />
              <button type="submit" class="usa-button usa-button--outline">
                {t('legal-defense.providers.addParty')}
              </button>
            </form>
          </section>
        );
      })}
      <h2>{t('legal-defense.providers.add')}</h2>
      <form method="post" action="/staff/legal-defense/providers" class="usa-form">
        <CsrfField ctx={ctx} />
        <FormGroup name="name" label={t('legal-defense.providers.name')} value={v('name')} error={errOf(ctx, errors, 'name')} maxLength={150} />
        <FormGroup name="capacity" type="number" label={t('legal-defense.providers.capacity')} value={v('capacity')} error={errOf(ctx, errors, 'capacity')} inputMode="numeric" />
        <FormGroup name="languages" type="checkbox" label={t('legal-defense.providers.languages')} error={errOf(ctx, errors, 'languages')} choices={langs} />
        <FormGroup name="available" type="checkbox" label={t('legal-defense.providers.availability')} value={['yes']} choices={[{ value: 'yes', label: t('legal-defense.providers.takesCases') }]} />
        <button type="submit" class="usa-button">
          {t('legal-defense.providers.add')}
        </button>
      </form>
    </Layout>
  );
}

/** A provider attorney's list: the cases offered to or accepted by their organisation (categories only). */
export function AssignedView(props: {
  ctx: ViewContext;
  items: readonly QueueRow[];
  /** The cases' first-contact clocks, by clock id. */
  clocks: ReadonlyMap<string, ClockView>;
  now: Date;
  linked: boolean;
  timeZone: string;
  done?: string;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const title = t('legal-defense.assigned.title');
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, [{ label: title }])}>
      {props.done ? <Alert type="success" slim>{t(`legal-defense.done.${props.done}`)}</Alert> : null}
      <h1>{title}</h1>
      {props.linked ? (
        <p>
          <a class="usa-link" href="/staff/legal-defense/billing">
            {t('legal-defense.fund.nav.billing')}
          </a>
        </p>
      ) : null}
      {!props.linked ? <p>{t('legal-defense.assigned.notLinked')}</p> : null}
      {props.linked && props.items.length === 0 ? <p>{t('legal-defense.assigned.empty')}</p> : null}
      {props.items.length > 0 ? (
        <Table
          caption={title}
          headers={[t('legal-defense.case.reference'), t('legal-defense.case.status'), t('legal-defense.case.reported'), t('legal-defense.case.contactClock'), t('legal-defense.case.language')]}
          rows={props.items.map((r) => [
            <a class="usa-link" href={`/staff/legal-defense/assigned/${r.id}`}>
              {r.id.slice(-8)}
            </a>,
            <Tag>{t(`legal-defense.status.${r.status}`)}</Tag>,
            when(ctx, r.created_at, props.timeZone),
            <ClockLine ctx={ctx} clock={r.contact_clock_id ? (props.clocks.get(r.contact_clock_id) ?? null) : null} timeZone={props.timeZone} now={props.now} />,
            languageName(ctx, r.person_language),
          ])}
        />
      ) : null}
    </Layout>
  );
}
