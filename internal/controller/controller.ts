import type { Request, Response, Router } from 'express';
import type { Principal } from '../../lib/domain/principal';
import { principalOf, type AuthMode } from './auth';

export const API_PREFIX = '/api/v1';

/** A group of routes. Every controller bound to this token is mounted by HttpApp. */
export interface Controller {
  register(router: Router): void;
  /** Routes that the lean lane may also serve (they are registered with Express as well). */
  leanRoutes?(): LeanRoute[];
}
export const Controller = Symbol.for('Controller');

/**
 * What a lean route is given: the verified caller, the request target as sent, the path's parameters
 * (decoded), the parsed JSON body (undefined for a GET) and the request's headers.
 */
export interface RouteCall {
  principal: Principal;
  path: string;
  params: Readonly<Record<string, string>>;
  body: unknown;
  header(name: string): string | undefined;
}

/** The type a `json` answer is sent with, by either way in (Express's res.json sets the same). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A route's answer: `json`, sent as JSON, or `text` already serialised with its type (a replay). */
export type RouteAnswer = { status: number; headers?: Record<string, string> } & (
  | { json: unknown; text?: undefined }
  | { text: { contentType: string; body: string }; json?: undefined }
);

/**
 * A hot route with one handler for both ways in: Express calls `handle` from its route, the lean lane
 * (lean-lane.ts) calls it directly. Only authenticated JSON POSTs and bodiless GETs qualify.
 */
export interface LeanRoute {
  method: 'POST' | 'GET';
  /** Express's pattern for it: literal segments and `:name` parameters, each a whole segment. */
  path: string;
  auth: Exclude<AuthMode, 'optional'>;
  handle(call: RouteCall): Promise<RouteAnswer>;
}

/** The call Express makes of a lean route's `handle` (the route's guard has set the principal). */
export function routeCall(req: Request, res: Response): RouteCall {
  return { principal: principalOf(res), path: req.originalUrl, params: req.params as Record<string, string>, body: req.body, header: (name) => req.get(name) };
}

/** Sends a route's answer through Express, as the lean lane sends it through node:http. */
export function sendAnswer(res: Response, answer: RouteAnswer): void {
  res.status(answer.status);
  if (answer.headers) res.set(answer.headers);
  if (answer.text) res.type(answer.text.contentType).send(answer.text.body);
  else res.json(answer.json);
}
