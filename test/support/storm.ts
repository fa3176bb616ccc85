import { call, sleep, type Reply, type SaleEvents } from './faults';

export type StormOp = 'hold-seat' | 'buy-held-seat' | 'buy-seat' | 'hold-places' | 'buy-held-places' | 'buy-places' | 'confirm' | 'cancel';

export interface StormReply extends Reply {
  op: StormOp;
}

export interface StormOptions {
  servers: string[];
  sale: SaleEvents;
  buyers: number;
  /** Hard bound per buyer, so the storm ends even if `stop` is never called. */
  maxOpsPerBuyer: number;
  stop: () => boolean;
  /** Names this storm's users, so two storms in one database never share a per-user cap. */
  label: string;
  /** Pause between a buyer's operations: fast enough to contend, slow enough for a loaded 2-core CI box. */
  pauseMs?: number;
  /** Per-request deadline: a request without an answer by then counts as lost. */
  timeoutMs?: number;
  /** Hold lifetime: short, so holds orphaned by a failed purchase stop blocking seats within the test. */
  holdTtlSeconds?: number;
}

export interface StormResult {
  replies: StormReply[];
  /** Ids of tickets some 201 handed out: each must exist in Postgres afterwards. */
  ticketIds: string[];
  /** Holds whose purchase was refused: no ticket may carry their id (a refused request changes nothing). */
  refusedHoldIds: string[];
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

/**
 * Many buyers, each a bounded loop over the four ways to buy (hold then buy, or buy in one call; seated
 * and standing), spread over every API process, buying through a different process than the one that
 * held. Some tickets are confirmed, some cancelled and the rest left to lapse, so seats keep coming back.
 */
export async function storm(options: StormOptions): Promise<StormResult> {
  const { servers, sale, label } = options;
  const result: StormResult = { replies: [], ticketIds: [], refusedHoldIds: [] };
  const ttl_seconds = options.holdTtlSeconds ?? 3;
  const send = async (op: StormOp, server: string, user: string, method: string, path: string, body?: unknown) => {
    const reply = { ...(await call(server, user, method, `/api/v1${path}`, body, options.timeoutMs)), op };
    result.replies.push(reply);
    return reply;
  };

  async function buyer(worker: number): Promise<void> {
    for (let op = 0; op < options.maxOpsPerBuyer && !options.stop(); op++) {
      const user = `${label}-${worker}-${op % 3}`;
      const server = servers[(worker + op) % servers.length]!;
      const other = servers[(worker + op + 1) % servers.length]!;
      let bought: StormReply;
      if (op % 4 === 0 || op % 4 === 2) {
        const seated = op % 4 === 0;
        const body = seated ? { event_id: sale.seatedId, seat_ids: [pick(sale.seatIds)], ttl_seconds } : { event_id: sale.standingId, quantity: 1 + (worker % 2), ttl_seconds };
        const hold = await send(seated ? 'hold-seat' : 'hold-places', server, user, 'POST', '/holds', body);
        if (hold.status !== 201) {
          await sleep(options.pauseMs ?? 20);
          continue;
        }
        bought = await send(seated ? 'buy-held-seat' : 'buy-held-places', other, user, 'POST', '/tickets/purchase', { hold_id: hold.body.id, fencing_token: hold.body.fencing_token });
        if (bought.status !== 201) result.refusedHoldIds.push(hold.body.id);
      } else if (op % 4 === 1) {
        bought = await send('buy-seat', server, user, 'POST', '/tickets/purchase', { event_id: sale.seatedId, seat_id: pick(sale.seatIds) });
      } else {
        bought = await send('buy-places', server, user, 'POST', '/tickets/purchase', { event_id: sale.standingId, quantity: 1 });
      }
      if (bought.status === 201) {
        const tickets: Array<{ id: string }> = bought.body.tickets;
        result.ticketIds.push(...tickets.map((ticket) => ticket.id));
        if (worker % 3 !== 0) {
          const action = worker % 3 === 1 ? 'confirm' : 'cancel';
          await send(action, pick(servers), user, 'POST', `/tickets/${tickets[0]!.id}/${action}`);
        }
      }
      await sleep(options.pauseMs ?? 20);
    }
  }

  await Promise.all(Array.from({ length: options.buyers }, (_, worker) => buyer(worker)));
  return result;
}

/** "op status" -> count, with the problem type of 409s and 503s, for the printed figures. */
export function tally(replies: StormReply[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reply of replies) {
    const type = reply.status === 409 || reply.status === 503 ? `(${String(reply.body?.type).replace('/problems/', '')})` : '';
    const key = `${reply.op} ${reply.status}${type}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export const maxMs = (replies: Reply[]) => replies.reduce((max, reply) => Math.max(max, reply.ms), 0);
