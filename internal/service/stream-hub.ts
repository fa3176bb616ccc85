import { inject, injectable } from 'inversify';
import { EventBus, type BusMessage } from '../../lib/adapter/event-bus';
import { Logger } from '../../lib/adapter/logger';
import { Metrics } from '../../lib/adapter/metrics';
import type { SeatCounts } from '../../lib/domain/seat';
import { Config } from '../config/config';
import { EventService } from './event.service';
import { HoldExpiryReporter } from './hold-expiry-reporter';

/** One connected stream client, as the transport (SSE) exposes it. */
export interface StreamClient {
  send(type: string, data: unknown, id?: number): void;
  comment(text: string): void;
  close(): void;
}

interface Room {
  clients: Set<StreamClient>;
  unsubscribe: Promise<() => void>;
  recount: NodeJS.Timeout | null;
  soldOut: boolean;
}

// Bursts of changes (a hot seat churning) are folded into one recount per event per this interval.
const RECOUNT_DEBOUNCE_MS = 200;

/**
 * Live availability per event for the clients of this process. Seat changes arrive from every process
 * over the EventBus and are forwarded as they are; `availability` and `sold_out` are recounted here,
 * debounced, so publishers on the hot path never pay for a count.
 */
@injectable()
export class StreamHub {
  private readonly rooms = new Map<string, Room>();
  // Both run only while this process has stream clients.
  private heartbeat: NodeJS.Timeout | null = null;
  private expiryPoll: NodeJS.Timeout | null = null;
  private polling = false;
  private readonly heartbeatMs: number;
  private readonly pollMs: number;

  constructor(
    @inject(EventBus) private readonly bus: EventBus,
    @inject(EventService) private readonly events: EventService,
    @inject(Metrics) private readonly metrics: Metrics,
    @inject(Logger) private readonly logger: Logger,
    @inject(HoldExpiryReporter) private readonly expiries: HoldExpiryReporter,
    @inject(Config) config: Config,
  ) {
    this.heartbeatMs = config.streamHeartbeatSeconds * 1000;
    this.pollMs = config.jobIntervalMs;
  }

  /** Attaches a client: replays what it missed after `lastEventId`, then a fresh availability snapshot. */
  async open(eventId: string, client: StreamClient, lastEventId: number | null): Promise<() => void> {
    await this.events.require(eventId);
    const room = this.room(eventId);
    room.clients.add(client);
    this.metrics.streamClients(1);
    const detach = () => this.detach(eventId, room, client);
    try {
      await room.unsubscribe;
      if (lastEventId !== null) {
        // A gap (history trimmed) is covered by the snapshot below: the client reloads seats on it.
        for (const message of (await this.bus.since(eventId, lastEventId)) ?? []) this.forward(client, message);
      }
      await this.snapshot(eventId, [client], true);
    } catch (error) {
      detach();
      throw error;
    }
    return detach;
  }

  /** Ends every stream (shutdown): clients reconnect elsewhere with Last-Event-ID. */
  closeAll(): void {
    for (const [eventId, room] of this.rooms) {
      for (const client of [...room.clients]) {
        client.close();
        this.detach(eventId, room, client);
      }
    }
  }

  private room(eventId: string): Room {
    let room = this.rooms.get(eventId);
    if (!room) {
      const created: Room = { clients: new Set(), recount: null, soldOut: false, unsubscribe: Promise.resolve(() => {}) };
      created.unsubscribe = this.bus.subscribe(eventId, (_, message) => this.onMessage(eventId, created, message));
      created.unsubscribe.catch(() => this.rooms.delete(eventId));
      this.rooms.set(eventId, (room = created));
      this.heartbeat ??= setInterval(() => this.beat(), this.heartbeatMs);
      this.expiryPoll ??= setInterval(() => void this.pollExpiries(), this.pollMs);
    }
    return room;
  }

  private detach(eventId: string, room: Room, client: StreamClient): void {
    if (!room.clients.delete(client)) return;
    this.metrics.streamClients(-1);
    if (room.clients.size > 0) return;
    this.rooms.delete(eventId);
    if (this.rooms.size === 0) {
      clearInterval(this.heartbeat ?? undefined);
      clearInterval(this.expiryPoll ?? undefined);
      this.heartbeat = this.expiryPoll = null;
    }
    if (room.recount) clearTimeout(room.recount);
    room.unsubscribe.then((off) => off(), () => {});
  }

  private onMessage(eventId: string, room: Room, message: BusMessage): void {
    for (const client of room.clients) this.forward(client, message);
    room.recount ??= setTimeout(() => {
      room.recount = null;
      void this.snapshot(eventId, [...room.clients], false);
    }, RECOUNT_DEBOUNCE_MS);
  }

  private forward(client: StreamClient, message: BusMessage): void {
    if (message.type === 'seat') client.send('seat', message.data, message.id);
  }

  /** Sends the counts; `sold_out` goes to a newly attached client, and to everyone when it becomes true. */
  private async snapshot(eventId: string, clients: StreamClient[], attaching: boolean): Promise<void> {
    if (clients.length === 0) return;
    let counts: SeatCounts;
    try {
      counts = (await this.events.get(eventId)).counts;
    } catch (error) {
      this.logger.warn('stream recount failed', { event_id: eventId, error: (error as Error).message });
      return;
    }
    const room = this.rooms.get(eventId);
    const soldOut = counts.available === 0;
    const announce = soldOut && (attaching || !room?.soldOut);
    for (const client of clients) {
      client.send('availability', counts);
      if (announce) client.send('sold_out', { event_id: eventId });
    }
    if (room && !attaching) room.soldOut = soldOut;
    if (room && attaching && soldOut) room.soldOut = true;
  }

  /** Asks the hold store what lapsed for the events watched here; the bus tells every process. */
  private async pollExpiries(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const eventId of this.rooms.keys()) {
        await this.expiries.report(eventId).catch((error: unknown) =>
          this.logger.warn('hold expiry report failed', { event_id: eventId, error: error instanceof Error ? error.message : String(error) }),
        );
      }
    } finally {
      this.polling = false;
    }
  }

  private beat(): void {
    for (const room of this.rooms.values()) for (const client of room.clients) client.comment('heartbeat');
  }
}
