import type { BusListener, BusMessage, EventBus } from '../../lib/adapter/event-bus';
import type { RedisClient } from './client';
import { Batch } from '../system/batch';
import { guardRedis, LuaScript } from './lua-script';

// One step per batch: take the event's next ids, append each message to its capped history, and publish the
// batch as one message. Ids therefore follow history order exactly, whichever process publishes.
// KEYS: seq, history. ARGV: channel, max, ttl, batch json, then type and data of each message.
const PUBLISH = new LuaScript(`
local n = (#ARGV - 4) / 2
local first = redis.call('INCRBY', KEYS[1], n) - n + 1
for i = 0, n - 1 do
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], (first + i) .. '-0', 't', ARGV[5 + 2 * i], 'd', ARGV[6 + 2 * i])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[1], first .. '|' .. KEYS[1] .. '|' .. ARGV[4])
return first
`);

// What one event-loop turn publishes for an event leaves together (pkg/system/batch.ts): at thousands of
// holds a second that is one script call and one pub/sub delivery per batch instead of per change.
const MAX_BATCH = 100;

type Outgoing = [type: BusMessage['type'], json: string];

// History outlives any plausible reconnect; an idle event's keys then go away by themselves.
const HISTORY_TTL_MS = 2 * 24 * 3600 * 1000;

/**
 * Production: every process publishes through Redis and receives on one subscriber connection of its
 * own (pub/sub needs a dedicated connection), dispatching to its local listeners by event id.
 */
export class RedisEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<BusListener>>();
  private readonly batches = new Map<string, Batch<Outgoing>>();
  private readonly channel: string;
  private subscribed: Promise<void> | null = null;

  constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly keyPrefix: string,
    private readonly historyLength = 1_000,
  ) {
    this.channel = `${keyPrefix}bus`;
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
        [this.channel, this.historyLength, HISTORY_TTL_MS, payload, ...part.flat()],
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
    this.subscribed ??= guardRedis(() => this.subscriber.subscribe(this.channel, this.onMessage)).catch((error) => {
      this.subscribed = null;
      throw error;
    });
    await this.subscribed;
    let set = this.listeners.get(eventId);
    if (!set) this.listeners.set(eventId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(eventId);
    };
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
