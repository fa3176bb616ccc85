import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_events_seats';
import * as m0002 from './0002_tickets';
import * as m0003 from './0003_live_ticket_counts';
import * as m0004 from './0004_hold_purchases';
import * as m0005 from './0005_tickets_by_hold';

/** Every migration, by name; names sort in the order they apply. Add new ones here. */
export const migrations: Record<string, Migration> = {
  '0001_events_seats': m0001,
  '0002_tickets': m0002,
  '0003_live_ticket_counts': m0003,
  '0004_hold_purchases': m0004,
  '0005_tickets_by_hold': m0005,
};
