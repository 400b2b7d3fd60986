import type { FieldError } from '../../../../core/http/errors.ts';
import type { Jurisdiction } from '../../../../core/jurisdiction/index.ts';
import { Alert, Breadcrumbs, CsrfField, ErrorSummary, FormGroup, Pagination, SummaryList, Table, Tag } from '../../../../core/views/components.tsx';
import { Layout } from '../../../../core/views/layout.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import type { CityMap } from '../../residency/city-map.ts';
import type { LonLat } from '../../residency/geo.ts';
import { CityMapSvg } from '../../residency/views/city-map-svg.tsx';
import type { PlacementQueueRow } from '../application.repo.ts';
import type { PlacementView } from '../application.service.ts';
import { formatDateTime } from './format.ts';

export const PLACEMENT_BASE = '/staff/municipal-id/locations';

function crumbs(ctx: ViewContext, current?: string) {
  const t = ctx.t;
  return (
    <Breadcrumbs
      ctx={ctx}
      items={[{ label: t('staff.home.title'), href: '/staff' }, current ? { label: t('municipalId.place.queueTitle'), href: PLACEMENT_BASE } : { label: t('municipalId.place.queueTitle') }, ...(current ? [{ label: current }] : [])]}
    />
  );
}

/** Applications whose address staff must place or review: categories and dates only. */
export function PlacementQueueView(props: { ctx: ViewContext; jurisdiction: Jurisdiction; page: { items: PlacementQueueRow[]; page: number; pages: number } }) {
  const { ctx, jurisdiction } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('municipalId.place.queueTitle')} breadcrumbs={crumbs(ctx)}>
      <h1>{t('municipalId.place.queueTitle')}</h1>
      <p>{t('municipalId.place.queueIntro')}</p>
      {props.page.items.length === 0 ? (
        <p>{t('municipalId.place.queueEmpty')}</p>
      ) : (
        <Table
          caption={t('municipalId.place.queueTitle')}
          headers={[t('municipalId.place.col.received'), t('municipalId.place.col.location'), t('municipalId.place.col.status'), t('municipalId.place.col.open')]}
          rows={props.page.items.map((r) => [
            formatDateTime(ctx.locale, jurisdiction, r.created_at),
            t(`municipalId.place.reason.${r.location_status === 'review' ? 'review' : 'unmatched'}`),
            <Tag>{t(`municipalId.status.${r.status}`)}</Tag>,
            <a class="usa-link" href={`${PLACEMENT_BASE}/${r.id}`}>
              {t('municipalId.place.open')}
            </a>,
          ])}
        />
      )}
      <Pagination ctx={ctx} page={props.page.page} pages={props.page.pages} href={(p) => `${PLACEMENT_BASE}?page=${p}`} />
    </Layout>
  );
}

/** One application's address (decrypted; the read is audited), the map, and the form to place it. */
export function PlacementView(props: {
  ctx: ViewContext;
  map: CityMap | undefined;
  view: PlacementView;
  precincts: ReadonlyArray<{ id: string; ward: number | null; precinct: string }>;
  values: Readonly<Record<string, string>>;
  errors: readonly FieldError[];
  saved: boolean;
  point?: LonLat;
}) {
  const { ctx, view: v } = props;
  const t = ctx.t;
  const placed = v.precinct !== null;
  const highlight = placed ? `${v.ward ?? 0}-${v.precinct}` : undefined;
  const cityName = ctx.cityName;
  const error = (field: string) => {
    const e = props.errors.find((x) => x.field === field);
    return e ? t(e.key, e.values) : undefined;
  };
  const rows = [
    {
      key: t('municipalId.place.address'),
      value: v.address ? (
        <span class="sanctuary-answer">{t('municipalId.place.addressLine', { street: v.address.street, unit: v.address.unit ?? 'none', zip: v.address.zip })}</span>
      ) : (
        t('municipalId.place.error.noAddress')
      ),
    },
    { key: t('municipalId.place.col.location'), value: t(`municipalId.place.reason.${v.locationStatus === 'review' ? 'review' : 'unmatched'}`) },
    {
      key: t('municipalId.place.current'),
      value: placed ? t('municipalId.place.currentPrecinct', { ward: v.ward ?? 0, precinct: v.precinct ?? '' }) : t('municipalId.place.currentNone'),
    },
  ];
  return (
    <Layout ctx={ctx} title={props.errors.length > 0 ? t('forms.errorTitle', { title: t('municipalId.place.title') }) : t('municipalId.place.title')} breadcrumbs={crumbs(ctx, t('municipalId.place.title'))}>
      {props.saved && placed ? (
        <Alert type="success" slim>
          {t('municipalId.place.saved', { ward: v.ward ?? 0, precinct: v.precinct ?? '' })}
        </Alert>
      ) : null}
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <h1>{t('municipalId.place.title')}</h1>
      <p class="usa-hint">{t('municipalId.place.auditNote')}</p>
      <SummaryList rows={rows} />
      {props.map ? (
        <CityMapSvg
          map={props.map}
          title={t('municipalId.place.mapTitle', { city: cityName })}
          description={t('municipalId.place.mapDescription', { placed: placed || props.point ? 'yes' : 'no' })}
          highlight={highlight}
          point={props.point}
        />
      ) : null}
      {v.address ? (
        <form method="post" action={`${PLACEMENT_BASE}/${v.id}`} class="usa-form usa-form--large" novalidate>
          <CsrfField ctx={ctx} />
          <FormGroup
            name="method"
            type="radio"
            label={t('municipalId.place.method')}
            value={props.values.method ?? 'precinct'}
            error={error('method')}
            choices={[
              { value: 'precinct', label: t('municipalId.place.method.precinct') },
              { value: 'point', label: t('municipalId.place.method.point') },
            ]}
          />
          <FormGroup
            name="precinct"
            type="select"
            label={t('municipalId.place.precinct')}
            value={props.values.precinct ?? highlight ?? ''}
            error={error('precinct')}
            choices={[
              { value: '', label: t('forms.select.placeholder') },
              ...props.precincts.map((p) => ({ value: p.id, label: t('municipalId.place.precinctChoice', { ward: p.ward ?? 0, precinct: p.precinct }) })),
            ]}
          />
          <FormGroup name="lon" label={t('municipalId.place.lon')} hint={t('municipalId.place.lon.hint')} value={props.values.lon ?? ''} error={error('lon')} inputMode="text" maxLength={30} />
          <FormGroup name="lat" label={t('municipalId.place.lat')} hint={t('municipalId.place.lat.hint')} value={props.values.lat ?? ''} error={error('lat')} inputMode="text" maxLength={30} />
          <button type="submit" class="usa-button">
            {t('municipalId.place.submit')}
          </button>
        </form>
      ) : null}
    </Layout>
  );
}
