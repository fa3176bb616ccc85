import type { Response, Router } from 'express';
import type { Principal } from '../../lib/domain/principal';
import type { AuthMode } from './auth';

export const API_PREFIX = '/api/v1';

/** A group of routes. Every controller bound to this token is mounted by HttpApp. */
export interface Controller {
  register(router: Router): void;
  /** Routes that the lean lane may also serve (they are registered with Express as well). */
  leanRoutes?(): LeanRoute[];
}
export const Controller = Symbol.for('Controller');

/** What a lean route is given: the verified caller, the parsed JSON body and the request's headers. */
export interface RouteCall {
  principal: Principal;
  body: unknown;
  header(name: string): string | undefined;
}

export interface RouteAnswer {
  status: number;
  headers?: Record<string, string>;
  json: unknown;
}

/**
 * A hot route with one handler for both ways in: Express calls `handle` from its route, the lean lane
 * (lean-lane.ts) calls it directly. Only authenticated JSON POSTs to an exact path qualify.
 */
export interface LeanRoute {
  method: 'POST';
  path: string;
  auth: Exclude<AuthMode, 'optional'>;
  handle(call: RouteCall): Promise<RouteAnswer>;
}

/** Sends a route's answer through Express, as the lean lane sends it through node:http. */
export function sendAnswer(res: Response, answer: RouteAnswer): void {
  res.status(answer.status);
  if (answer.headers) res.set(answer.headers);
  res.json(answer.json);
}
