import type { Kysely } from 'kysely';
import { newId } from '../../lib/domain/id';
import type { Ticket } from '../../lib/domain/ticket';
import type { ReservationRequest } from '../../lib/repository/ticket-repository';
import { reservePlacesTogetherStatement, reserveSeatsTogetherStatement } from './purchase-batch-statements';
import { isUnavailable } from './errors';
import { spentUntilOf } from './hold-purchases';
import type { Database } from './tables';
import { reserveAtOnce, reservedTicket } from './ticket-reservation';

/** A purchase's outcome in a batch: its tickets, null when it must find out why alone, or its own error. */
export type BatchOutcome = { tickets: Ticket[] | null } | { error: unknown };

const ids = (count: number) => Array.from({ length: count }, () => newId());

function buyers(requests: readonly ReservationRequest[]) {
  return {
    buyers: requests.map((_, p) => p),
    userIds: requests.map((r) => r.userId),
    holdIds: requests.map((r) => r.holdId),
    holdExpiresAts: requests.map((r) => r.holdExpiresAt ?? null),
    reservedUntils: requests.map((r) => r.reservedUntil),
    nows: requests.map((r) => r.now),
  };
}

async function seatsTogether(db: Kysely<Database>, requests: readonly ReservationRequest[]): Promise<Array<Ticket[] | null>> {
  const wanted = requests.flatMap((request, p) => [...new Set(request.seatIds)].map((seatId) => ({ p, eventId: request.eventId, seatId, ticketId: newId() })));
  const { rows } = await reserveSeatsTogetherStatement(db, {
    ...buyers(requests),
    ps: wanted.map((w) => w.p),
    eventIds: wanted.map((w) => w.eventId),
    seatIds: wanted.map((w) => w.seatId),
    ticketIds: wanted.map((w) => w.ticketId),
    historyIds: ids(wanted.length),
  });
  const reserved = new Set(rows.filter((row) => row.reserved).map((row) => row.p));
  const prices = new Map(rows.map((row) => [`${row.p}/${row.seatId}`, row.priceCents]));
  return requests.map((request, p) =>
    reserved.has(p) ? wanted.filter((w) => w.p === p).map((w) => reservedTicket(request, w.ticketId, w.seatId, prices.get(`${p}/${w.seatId}`)!)) : null,
  );
}

async function placesTogether(db: Kysely<Database>, requests: readonly ReservationRequest[]): Promise<Array<Ticket[] | null>> {
  const wanted = requests.flatMap((request, p) => Array.from({ length: request.quantity }, () => ({ p, ticketId: newId() })));
  const { rows } = await reservePlacesTogetherStatement(db, {
    ...buyers(requests),
    eventIds: requests.map((r) => r.eventId),
    quantities: requests.map((r) => r.quantity),
    spentUntils: requests.map(spentUntilOf),
    ps: wanted.map((w) => w.p),
    ticketIds: wanted.map((w) => w.ticketId),
    historyIds: ids(wanted.length),
  });
  const served = new Set(rows.map((row) => row.p));
  return requests.map((request, p) => (served.has(p) ? wanted.filter((w) => w.p === p).map((w) => reservedTicket(request, w.ticketId, null, 0)) : null));
}

/**
 * The purchases of one turn, seated and standing each in one statement (purchase-batch-statements.ts).
 * Never throws: a statement that Postgres refused whole (another buyer filled a standing event at commit)
 * is retried purchase by purchase, so each gets its own outcome; one whose fate is unknown (the database
 * went away mid-statement) gives each purchase that error, as a purchase alone would. A purchase that
 * wants a seat an earlier one of the batch wants, or buys a hold an earlier one buys, goes after it, alone
 * (null).
 */
export async function reserveBatch(db: Kysely<Database>, requests: readonly ReservationRequest[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = requests.map(() => ({ tickets: null }));
  const alone = (i: number) =>
    reserveAtOnce(db, requests[i]!).then(
      (tickets) => void (outcomes[i] = { tickets }),
      (error: unknown) => void (outcomes[i] = { error }),
    );
  const seated: number[] = [];
  const standing: number[] = [];
  const asked = new Set<string>();
  const spending = new Set<string>();
  requests.forEach((request, i) => {
    if (request.seatIds.length === 0) {
      if (!Number.isInteger(request.quantity) || request.quantity < 1 || (request.holdId !== null && spending.has(request.holdId))) return;
      if (request.holdId !== null) spending.add(request.holdId);
      standing.push(i);
    } else if (!request.seatIds.some((seatId) => asked.has(seatId))) {
      for (const seatId of request.seatIds) asked.add(seatId);
      seated.push(i);
    }
  });
  const together = async (indexes: number[], run: typeof seatsTogether) => {
    if (indexes.length <= 1) return Promise.all(indexes.map(alone));
    try {
      const results = await run(db, indexes.map((i) => requests[i]!));
      indexes.forEach((i, k) => (outcomes[i] = { tickets: results[k]! }));
    } catch (error) {
      // A lost connection or a client-side time-out says nothing of whether the statement committed:
      // trying again could buy twice. Only an error Postgres reported (the statement rolled back) is retried.
      if (isUnavailable(error)) for (const i of indexes) outcomes[i] = { error };
      else await Promise.all(indexes.map(alone));
    }
  };
  await Promise.all([together(seated, seatsTogether), together(standing, placesTogether)]);
  return outcomes;
}
