import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../lib/adapter/logger';
import type { RateLimiter } from '../../lib/adapter/rate-limiter';
import { ValidationError } from '../../lib/domain/errors';
import type { Auth } from './auth';
import { JSON_CONTENT_TYPE, type LeanRoute } from './controller';
import { DEFAULT_BODY_LIMIT } from './json-body';
import { jsonDepth, MAX_JSON_DEPTH, MAX_URL_LENGTH } from './limits';
import { logFailure, problemFor, problemResponse } from './problem';
import { enforceRateLimit, isWrite } from './rate-limit';
import type { observeRequest } from './request-context.middleware';

// What express.json() accepts without a detour through decompression or charset conversion.
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;
// A path Express reads as it is: no query or fragment, no percent-escape, none of the characters that make
// parseurl fall back to url.parse.
const PLAIN_PATH = /^[^%?#\s\u00a0\ufeff]*$/;
// body-parser's strict mode: a JSON text must start with an object or an array.
const STRICT_START = /^[\x20\x09\x0a\x0d]*[{[]/;

export interface LeanLaneParts {
  auth: Auth;
  rateLimiter: RateLimiter;
  logger: Logger;
  observe: ReturnType<typeof observeRequest>;
  /** The client address as Express's `req.ip` computes it (TRUST_PROXY honoured). */
  clientAddress(req: IncomingMessage): string;
  /** Headers every response carries (helmet's), recorded from the same middleware Express runs. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** With CORS configured, cross-origin requests go to Express, which answers them with the CORS headers. */
  corsEnabled: boolean;
}

/** A route's path split into segments: a string must equal its segment, a Param takes a whole one. */
class Param {
  constructor(readonly name: string) {}
}
interface Pattern {
  route: LeanRoute;
  segments: Array<string | Param>;
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A lean way in, in front of Express, for the few routes an on-sale hammers (issue 7; the decision and
 * its numbers are in docs/architecture.md). It serves only the plain case, a JSON POST with a
 * Content-Length or a GET without a body, to a path with nothing Express would have to interpret (no
 * query, no percent-escapes, no trailing slash, exact case), and hands anything else to Express untouched.
 * It runs the same steps in the same order as Express: request id, access log and metrics, helmet's
 * headers, the per-address limit, the auth guard (with the per-user limit on writes), the body parsed as
 * express.json() does with the depth limit, the route's own handler, and problem+json from the one error
 * mapping. Nothing here decides what a request means.
 */
export class LeanLane {
  // By method, then path: the hottest look-up builds no key.
  private readonly exact = { GET: new Map<string, LeanRoute>(), POST: new Map<string, LeanRoute>() };
  private readonly patterns: Pattern[] = [];

  constructor(
    routes: LeanRoute[],
    private readonly parts: LeanLaneParts,
  ) {
    for (const route of routes) {
      const segments = route.path.split('/').map((segment) => (segment.startsWith(':') ? new Param(segment.slice(1)) : segment));
      if (segments.some((segment) => segment instanceof Param)) this.patterns.push({ route, segments });
      else this.exact[route.method].set(route.path, route);
    }
  }

  /** Serves the request and returns true, or returns false without touching it. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const { method, url } = req;
    if (method !== 'POST' && method !== 'GET') return false;
    let route = this.exact[method].get(url!);
    let params = NO_PARAMS;
    if (route === undefined) {
      const found = this.patterns.length > 0 ? this.match(method, url!) : null;
      if (found === null) return false;
      ({ route, params } = found);
    }
    if (!(method === 'POST' ? this.plainPost(req) : this.plainGet(req))) return false;
    void this.run(route, params, req, res);
    return true;
  }

  private match(method: string, url: string): { route: LeanRoute; params: Record<string, string> } | null {
    // Anything Express would decode, parse or normalise is Express's to do.
    if (url.length > MAX_URL_LENGTH || !PLAIN_PATH.test(url) || url.endsWith('/')) return null;
    const given = url.split('/');
    for (const { route, segments } of this.patterns) {
      if (route.method !== method || segments.length !== given.length) continue;
      const params: Record<string, string> = {};
      const matches = segments.every((segment, i) => {
        if (typeof segment === 'string') return segment === given[i];
        params[segment.name] = given[i]!;
        return given[i] !== '';
      });
      if (matches) return { route, params };
    }
    return null;
  }

  private plainPost(req: IncomingMessage): boolean {
    const { headers } = req;
    if (this.parts.corsEnabled && headers.origin !== undefined) return false;
    if (headers['transfer-encoding'] !== undefined) return false;
    if (headers['content-encoding'] !== undefined && headers['content-encoding'].toLowerCase() !== 'identity') return false;
    const type = headers['content-type'];
    if (type === undefined || !PLAIN_JSON.test(type)) return false;
    const length = Number(headers['content-length']);
    return Number.isInteger(length) && length <= DEFAULT_BODY_LIMIT;
  }

  private plainGet(req: IncomingMessage): boolean {
    const { headers } = req;
    if (this.parts.corsEnabled && headers.origin !== undefined) return false;
    const length = headers['content-length'];
    return headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
  }

  private async run(route: LeanRoute, params: Readonly<Record<string, string>>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of this.parts.headers) res.setHeader(name, value);
    this.parts.observe(req, res, () => route.path);
    try {
      if (isWrite(route.method)) await enforceRateLimit(this.parts.rateLimiter, 'ip', this.parts.clientAddress(req));
      const principal = (await this.parts.auth.authenticate(req.headers.authorization, route.method, route.auth))!;
      const body = route.method === 'POST' ? parseJson(await readBody(req)) : undefined;
      const answer = await route.handle({ principal, path: req.url!, params, body, header: (name) => headerValue(req, name) });
      const text = answer.text ? answer.text.body : JSON.stringify(answer.json);
      res.statusCode = answer.status;
      if (answer.headers) for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      res.setHeader('Content-Type', answer.text ? answer.text.contentType : JSON_CONTENT_TYPE);
      res.setHeader('Content-Length', Buffer.byteLength(text));
      res.end(text);
    } catch (error) {
      const problem = problemFor(error);
      logFailure(this.parts.logger, problem, error, { method: req.method, path: route.path, requestId: res.getHeader('X-Request-Id') });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const { status, headers, body } = problemResponse(problem);
      res.statusCode = status;
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.end(body);
    }
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The body as sent; an interrupted upload is the client error body-parser reports as `request.aborted`. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('close', () => {
      if (!req.complete) reject(Object.assign(new Error('request aborted'), { type: 'request.aborted', status: 400, expose: true }));
    });
  });
}

/** JSON as express.json({ strict: true }) reads it (empty body: {}; BOM dropped), then the depth limit. */
function parseJson(buffer: Buffer): unknown {
  let text = buffer.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return {};
  let body: unknown;
  try {
    if (!STRICT_START.test(text)) throw new SyntaxError('not an object or array');
    body = JSON.parse(text);
  } catch (cause) {
    throw Object.assign(new SyntaxError('malformed JSON', { cause }), { type: 'entity.parse.failed', status: 400, expose: true });
  }
  if (jsonDepth(body) > MAX_JSON_DEPTH) throw ValidationError.field('body', `must not nest deeper than ${MAX_JSON_DEPTH} levels`);
  return body;
}
