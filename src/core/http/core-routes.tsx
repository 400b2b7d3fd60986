import type { FastifyInstance } from 'fastify';
import { isDatabaseReady } from '../db/database.ts';
import { buildOpenApi } from './openapi.ts';
import type { AppContext } from '../modules/context.ts';
import type { SanctuaryModule } from '../modules/module.ts';
import { PROGRAMS } from '../programs.ts';
import { Tag } from '../views/components.tsx';
import { Layout } from '../views/layout.tsx';

/** Version of the JSON API under /api/v1. */
export const API_VERSION = '1.0.0';

/** Home, privacy notice, health checks and the staff home. */
export async function registerCoreRoutes(app: FastifyInstance, ctx: AppContext, modules: readonly SanctuaryModule[]): Promise<void> {
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: 'public' } }, async (_req, reply) => {
    const ready = await isDatabaseReady(ctx.db);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database: ready ? 'ok' : 'unreachable' });
  });

  app.get(
    '/api/openapi.json',
    { config: { access: 'public', openapi: { summary: 'This description of the JSON API', tags: ['meta'] } } },
    async () => buildOpenApi(app, { title: 'Sanctuary API', version: API_VERSION, serverUrl: ctx.config.baseUrl }),
  );

  const byId = new Map(modules.map((m) => [m.id, m]));
  app.get('/', { config: { access: 'public' } }, async (_req, reply) =>
    reply.cachedPage((view) => {
      const t = view.t;
      return (
      <Layout ctx={view} title={t('home.title')}>
        <section class="usa-prose sanctuary-hero">
          <h1>{t('home.heading', { city: view.cityName })}</h1>
          <p class="usa-intro">{t('home.intro')}</p>
          <p>{t('home.safety')}</p>
        </section>
        <h2>{t('home.programs.heading')}</h2>
        <ul class="usa-card-group sanctuary-programs">
          {PROGRAMS.map((p) => {
            const m = byId.get(p.module);
            const href = m?.program?.publicHref;
            return (
              <li class="usa-card tablet:grid-col-6 desktop:grid-col-4">
                <div class="usa-card__container">
                  <div class="usa-card__header">
                    <h3 class="usa-card__heading">{t(`program.${p.module}.title`)}</h3>
                  </div>
                  <div class="usa-card__body">
                    <p>{t(`program.${p.module}.summary`)}</p>
                  </div>
                  <div class="usa-card__footer">
                    {href ? (
                      <a class="usa-button" href={href}>
                        {t(`program.${p.module}.action`)}
                      </a>
                    ) : (
                      <Tag>{t('home.programs.comingSoon')}</Tag>
                    )}
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      </Layout>
      );
    }),
  );

  const sections = ['collect', 'protect', 'share', 'keep', 'rights'] as const;
  app.get('/privacy', { config: { access: 'public' } }, async (_req, reply) =>
    reply.cachedPage((view) => {
      const t = view.t;
      return (
      <Layout ctx={view} title={t('privacy.title')}>
        <div class="usa-prose">
          <h1>{t('privacy.title')}</h1>
          <p class="usa-intro">{t('privacy.intro')}</p>
          {sections.map((s) => (
            <section>
              <h2>{t(`privacy.${s}.heading`)}</h2>
              <p>{t(`privacy.${s}.body`)}</p>
            </section>
          ))}
          <p>
            <a class="usa-link" href="/transparency/demands">
              {t('transparency.link')}
            </a>
          </p>
        </div>
      </Layout>
      );
    }),
  );
}
