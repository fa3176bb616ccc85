import type { BusListener, BusMessage, EventBus } from '../../lib/adapter/event-bus';
import type { RedisClient } from './client';
import { Batch } from '../system/batch';
import { guardRedis, LuaScript } from './lua-script';

// One step per batch: take the event's next ids, append each message to its capped history, and publish the
// batch as one message. Ids therefore follow history order exactly, whichever process publishes. Sharded
// pub/sub on the event's own channel (tagged like its keys): on a Cluster the message stays on the master
// that serves the event, and a subscriber hears an event from that master alone, so a dead master silences
// only its own events (which are down anyway), not every event of the processes that listened through it.
// KEYS: seq, history. ARGV: channel, max, ttl, batch json, then type and data of each message.
const PUBLISH = new LuaScript(`
local n = (#ARGV - 4) / 2
local first = redis.call('INCRBY', KEYS[1], n) - n + 1
for i = 0, n - 1 do
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], (first + i) .. '-0', 't', ARGV[5 + 2 * i], 'd', ARGV[6 + 2 * i])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SPUBLISH', ARGV[1], first .. '|' .. KEYS[1] .. '|' .. ARGV[4])
return first
`);

// What one event-loop turn publishes for an event leaves together (pkg/system/batch.ts): at thousands of
// holds a second that is one script call and one pub/sub delivery per batch instead of per change.
const MAX_BATCH = 100;

type Outgoing = [type: BusMessage['type'], json: string];

// History outlives any plausible reconnect; an idle event's keys then go away by themselves.
const HISTORY_TTL_MS = 2 * 24 * 3600 * 1000;

/**
 * Production: every process publishes through Redis and receives on a subscriber connection of its own
 * (pub/sub needs a dedicated one; on a Cluster, one per master), subscribed to the channels of the events
 * it has listeners for, dispatching to them by event id.
 */
export class RedisEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<BusListener>>();
  private readonly batches = new Map<string, Batch<Outgoing>>();
  /** Per event with listeners: its channel's subscription, made once. */
  private readonly subscriptions = new Map<string, Promise<void>>();

  constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly keyPrefix: string,
    private readonly historyLength = 1_000,
  ) {}

  private channel(eventId: string): string {
    return `${this.keyPrefix}bus:{${eventId}}`;
  }

  private seqKey(eventId: string): string {
    return `${this.keyPrefix}bus:{${eventId}}:seq`;
  }

  private historyKey(eventId: string): string {
    return `${this.keyPrefix}bus:{${eventId}}:history`;
  }

  publish(eventId: string, type: BusMessage['type'], data: Record<string, unknown>): Promise<void> {
    let batch = this.batches.get(eventId);
    // A failed publish is every message's failure: nothing is retried one by one.
    if (!batch) this.batches.set(eventId, (batch = new Batch((messages) => this.publishBatch(eventId, messages), () => true)));
    return batch.add([type, JSON.stringify(data)]);
  }

  private async publishBatch(eventId: string, messages: Outgoing[]): Promise<void[]> {
    for (let start = 0; start < messages.length; start += MAX_BATCH) {
      const part = messages.slice(start, start + MAX_BATCH);
      const payload = `[${part.map(([type, json]) => `["${type}",${json}]`).join(',')}]`;
      await PUBLISH.run(
        this.client,
        [this.seqKey(eventId), this.historyKey(eventId)],
        [this.channel(eventId), this.historyLength, HISTORY_TTL_MS, payload, ...part.flat()],
      );
    }
    return messages.map(() => undefined);
  }

  private onMessage = (raw: string): void => {
    // "<first id>|<seq key>|<[[type, data], ...]>": the event id sits between the braces of the seq key's hash tag.
    const [first, seqKey] = raw.split('|', 2);
    const eventId = seqKey!.slice(seqKey!.indexOf('{') + 1, seqKey!.indexOf('}'));
    const listeners = this.listeners.get(eventId);
    if (!listeners) return;
    const batch = JSON.parse(raw.slice(first!.length + seqKey!.length + 2)) as Array<[BusMessage['type'], Record<string, unknown>]>;
    batch.forEach(([type, data], i) => {
      const message: BusMessage = { id: Number(first) + i, type, data };
      for (const listener of listeners) listener(eventId, message);
    });
  };

  async subscribe(eventId: string, listener: BusListener): Promise<() => void> {
    // Listed before the subscription is awaited, so another listener leaving meanwhile keeps the channel.
    let set = this.listeners.get(eventId);
    if (!set) this.listeners.set(eventId, (set = new Set()));
    set.add(listener);
    const unsubscribe = () => {
      set.delete(listener);
      if (set.size > 0 || this.listeners.get(eventId) !== set) return;
      this.listeners.delete(eventId);
      this.subscriptions.delete(eventId);
      // The client keeps its commands in order, so a subscription made again after this one is not undone.
      void this.subscriber.sUnsubscribe(this.channel(eventId), this.onMessage).catch(() => {});
    };
    let subscribed = this.subscriptions.get(eventId);
    if (!subscribed) {
      subscribed = guardRedis(() => this.subscriber.sSubscribe(this.channel(eventId), this.onMessage)).catch((error: unknown) => {
        if (this.subscriptions.get(eventId) === subscribed) this.subscriptions.delete(eventId);
        throw error;
      });
      this.subscriptions.set(eventId, subscribed);
    }
    try {
      await subscribed;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async since(eventId: string, afterId: number): Promise<BusMessage[] | null> {
    return guardRedis(async () => {
      const [last, oldest] = await Promise.all([
        this.client.get(this.seqKey(eventId)),
        this.client.xRange(this.historyKey(eventId), '-', '+', { COUNT: 1 }),
      ]);
      const lastId = Number(last ?? 0);
      if (afterId >= lastId) return [];
      const oldestId = oldest?.[0] ? Number(oldest[0].id.split('-')[0]) : lastId + 1;
      if (oldestId > afterId + 1) return null;
      const entries = await this.client.xRange(this.historyKey(eventId), `${afterId + 1}-0`, '+');
      return (entries ?? []).map((entry) => ({
        id: Number(entry.id.split('-')[0]),
        type: entry.message.t as BusMessage['type'],
        data: JSON.parse(entry.message.d!),
      }));
    });
  }
}
