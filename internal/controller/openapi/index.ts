import { EVENT_ROUTES } from './events.docs';
import { PLATFORM_ROUTES } from './platform.docs';
import type { RouteDoc } from './route-doc';

/** Every documented route; a feature adds its `<feature>.docs.ts` list here. */
export const ROUTE_DOCS: RouteDoc[] = [...PLATFORM_ROUTES, ...EVENT_ROUTES];
