import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Access } from '../auth/permissions.ts';

/** What an API route tells the OpenAPI description about itself (`config.openapi`). */
export interface OpenApiRouteDoc {
  summary: string;
  description?: string;
  tags?: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  /** Response schemas by status code. */
  responses?: Record<number, { description: string; schema?: z.ZodType }>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: OpenApiRouteDoc;
  }
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' });
}

function security(access: Access | undefined): Array<Record<string, string[]>> | undefined {
  if (access === undefined || access === 'public') return [];
  return [{ bearerAuth: [] }, { sessionCookie: [] }];
}

/**
 * Describes every route under `/api/` as OpenAPI 3.1, from the route inventory: the path, method, access and,
 * where the route documents itself in `config.openapi`, its summary and Zod schemas as JSON Schema.
 */
export function buildOpenApi(app: FastifyInstance, info: { title: string; version: string; serverUrl: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const entry of app.routeInventory) {
    if (!entry.url.startsWith('/api/') || entry.method === 'HEAD') continue;
    const path = entry.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = [...entry.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const doc = entry.route.config?.openapi;
    const access = entry.route.config?.access;
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(doc?.responses ?? { 200: { description: 'OK' } })) {
      responses[status] = r.schema ? { description: r.description, content: { 'application/json': { schema: jsonSchema(r.schema) } } } : { description: r.description };
    }
    responses['4XX'] = { description: 'A translated error: `{ error: { code, message, fields } , requestId }`' };
    const operation: Record<string, unknown> = {
      summary: doc?.summary ?? `${entry.method} ${entry.url}`,
      ...(doc?.description ? { description: doc.description } : {}),
      ...(doc?.tags ? { tags: doc.tags } : {}),
      ...(params.length > 0 ? { parameters: params } : {}),
      security: security(access),
      'x-access': typeof access === 'object' ? access.permission : (access ?? 'none'),
      responses,
    };
    if (doc?.body) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(doc.body) } } };
    paths[path] = { ...(paths[path] ?? {}), [entry.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A scoped partner token' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: '__Host-session' },
      },
    },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
  };
}
