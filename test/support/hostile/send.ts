import type { Agent } from 'node:http';
import type supertest from 'supertest';
import type { Response } from 'supertest';
import type { BodySpec } from './bodies';
import type { HostileRequest } from './requests';
import { Ref } from './routes';
import { RawToken } from './values';
import type { HostileWorld } from './world';

type Http = ReturnType<typeof supertest>;

/** The request as it goes on the wire, fixture refs resolved; also what a failure report shows. */
export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  contentType: string | null;
  body: string | null;
}

/** Serialises a JSON body: refs become fixture values, raw tokens are spliced in as written. */
function jsonText(value: unknown, world: HostileWorld): string {
  const tokens: string[] = [];
  const walk = (node: unknown): unknown => {
    if (node instanceof Ref) return world.value(node.name);
    if (node instanceof RawToken) return `@@raw${tokens.push(node.text) - 1}@@`;
    if (Array.isArray(node)) return node.map(walk);
    const proto = node && typeof node === 'object' ? Object.getPrototypeOf(node) : undefined;
    // Plain objects only; fromEntries keeps a `__proto__` key an own property.
    if (proto === Object.prototype || proto === null) return Object.fromEntries(Object.entries(node as object).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  const text = JSON.stringify(walk(value)) ?? '';
  return tokens.length === 0 ? text : text.replace(/"@@raw(\d+)@@"/g, (_m, i: string) => tokens[Number(i)]!);
}

function bodyOf(spec: BodySpec, world: HostileWorld): { contentType: string | null; body: string | null } {
  if (spec.kind === 'none') return { contentType: null, body: null };
  if (spec.kind === 'text') return { contentType: spec.contentType, body: spec.text };
  return { contentType: spec.contentType, body: jsonText(spec.value, world) };
}

export function wire(request: HostileRequest, world: HostileWorld): WireRequest {
  const path = request.route.path.replace(/:(\w+)/g, (_m, name: string) => {
    const value = request.params[name]!;
    return value instanceof Ref ? encodeURIComponent(String(world.value(value.name))) : value.raw;
  });
  const headers: Record<string, string> = {};
  const authorization = world.authHeader(request.auth);
  if (authorization !== undefined) headers.Authorization = authorization;
  for (const [name, value] of Object.entries(request.headers)) headers[name] = value instanceof Ref ? String(world.value(value.name)) : value;
  return { method: request.method, url: request.query ? `${path}?${request.query}` : path, headers, ...bodyOf(request.body, world) };
}

/**
 * Sends over `agent`, a keep-alive agent as browsers use. Without one, superagent asks for `Connection: close`,
 * and Node then closes the socket as soon as it has answered, unread body or not: a client still sending a
 * large body to a route that ignores bodies gets a reset instead of the (already sent) answer.
 */
export async function send(http: Http, request: WireRequest, agent: Agent): Promise<Response> {
  const req = http[request.method as 'get'](request.url).agent(agent).set(request.headers).timeout({ response: 10_000, deadline: 20_000 });
  if (request.body === null) return req;
  // A Buffer with an identity serialiser goes out byte for byte, with no Content-Type unless the case sets one.
  if (request.contentType !== null) req.set('Content-Type', request.contentType);
  return req.serialize((body) => body).send(Buffer.from(request.body, 'utf8') as unknown as string);
}

/** A readable, size-bounded account of a request and its answer, for failure messages. */
export function describe(request: WireRequest, res?: Response): string {
  const cut = (text: string, n = 400) => (text.length > n ? `${text.slice(0, n)}…(${text.length} chars)` : text);
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, cut(v, 120)]));
  const lines = [`${request.method.toUpperCase()} ${cut(request.url, 300)}`, `headers: ${JSON.stringify(headers)}`];
  if (request.body !== null) lines.push(`content-type: ${request.contentType}`, `body: ${cut(JSON.stringify(request.body))}`);
  if (res) lines.push(`-> ${res.status} ${res.headers['content-type'] ?? '(no content-type)'} ${cut(res.text ?? '')}`);
  return lines.join('\n  ');
}
