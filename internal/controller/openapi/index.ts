import { EVENT_ROUTES } from './events.docs';
import { HOLD_ROUTES } from './holds.docs';
import { QUEUE_ROUTES } from './queue.docs';
import { TICKET_ROUTES } from './tickets.docs';
import { PLATFORM_ROUTES } from './platform.docs';
import type { RouteDoc } from './route-doc';

/** Every documented route; a feature adds its `<feature>.docs.ts` list here. */
export const ROUTE_DOCS: RouteDoc[] = [...PLATFORM_ROUTES, ...EVENT_ROUTES, ...HOLD_ROUTES, ...QUEUE_ROUTES, ...TICKET_ROUTES];
