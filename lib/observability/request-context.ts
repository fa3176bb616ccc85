import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request values every layer may read (the logger adds `request_id` to each line). */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
