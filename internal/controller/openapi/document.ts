import { dtoSchemas, RESPONSE_SCHEMAS } from './schemas';
import type { RouteDoc, SchemaRef } from './route-doc';

const ref = (schema: SchemaRef) => (typeof schema === 'string' ? { $ref: `#/components/schemas/${schema}` } : schema);
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

/** Express `:id` -> OpenAPI `{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function operation(route: RouteDoc) {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = r.schema ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: ref(r.schema) } } } : { description: r.description };
  }
  // Problems every route of this shape can give, so clients see them without reading the code.
  if (route.body || route.query || route.headers) responses['400'] = problem('Invalid input; `errors` names each bad field');
  if (route.auth && route.auth !== 'optional') responses['401'] = problem('Missing, invalid or expired bearer token');
  if (route.auth === 'admin' || route.auth === 'user') responses['403'] = problem('Not allowed for this caller');
  if (pathParams.length > 0) responses['404'] = problem('Not found (unknown or malformed id)');
  if (route.method !== 'get') responses['429'] = problem('Rate limited; see Retry-After');
  for (const [status, description] of Object.entries(route.problems ?? {})) responses[status] = problem(description);
  responses['503'] = problem('A dependency is down; retry after Retry-After');
  return {
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth && { security: route.auth === 'optional' ? [{}, { bearer: [] }] : [{ bearer: [] }] }),
    parameters: [
      // Every path id is a UUID except user ids, which are the token's `sub`.
      ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: name === 'user_id' ? { type: 'string' } : { type: 'string', format: 'uuid' } })),
      ...(route.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, schema: q.schema, description: q.description })),
      ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required ?? false, schema: { type: 'string' }, description: h.description })),
    ],
    ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: ref(route.body) } } } }),
    responses,
  };
}

/** The OpenAPI 3.1 document of every route given. */
export function buildOpenApi(routes: RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'onsale',
      version: '1.0.0',
      description: 'Flash-sale-proof ticketing API. snake_case JSON, UUID ids, ISO-8601 UTC timestamps, RFC 9457 problems.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (HS256; claims sub, role, exp)' } },
      schemas: { ...dtoSchemas(), ...RESPONSE_SCHEMAS },
    },
  };
}
