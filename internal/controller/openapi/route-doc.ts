/** A schema: the name of a component (a DTO or a schema in schemas.ts) or an inline JSON Schema. */
export type SchemaRef = string | Record<string, unknown>;

/** What the OpenAPI document says of one route; the drift test checks these against the router. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, e.g. /api/v1/events/:id */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it; absent means anyone. */
  auth?: 'user' | 'admin' | 'optional';
  body?: SchemaRef;
  query?: Array<{ name: string; schema: Record<string, unknown>; description: string }>;
  headers?: Array<{ name: string; description: string; required?: boolean }>;
  /** Success responses by status; problem responses are added from the route's shape. */
  responses: Record<number, { description: string; schema?: SchemaRef; contentType?: string }>;
  /** Further problem responses this route can give (409 conflicts, 422, ...), by status: description. */
  problems?: Record<number, string>;
}
