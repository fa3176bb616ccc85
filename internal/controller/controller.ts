import type { Router } from 'express';

export const API_PREFIX = '/api/v1';

/** A group of routes. Every controller bound to this token is mounted by HttpApp. */
export interface Controller {
  register(router: Router): void;
}
export const Controller = Symbol.for('Controller');
