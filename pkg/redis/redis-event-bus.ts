import type { BusListener, BusMessage, EventBus } from '../../lib/adapter/event-bus';
import type { RedisClient } from './client';
import { guardRedis, LuaScript } from './lua-script';

// One step: take the event's next id, append to its capped history, and publish. Ids therefore follow
// history order exactly, whichever process publishes. KEYS: seq, history. ARGV: channel, type, data, max, ttl.
const PUBLISH = new LuaScript(`
local id = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], id .. '-0', 't', ARGV[2], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PUBLISH', ARGV[1], id .. '|' .. ARGV[2] .. '|' .. KEYS[1] .. '|' .. ARGV[3])
return id
`);

// History outlives any plausible reconnect; an idle event's keys then go away by themselves.
const HISTORY_TTL_MS = 2 * 24 * 3600 * 1000;

/**
 * Production: every process publishes through Redis and receives on one subscriber connection of its
 * own (pub/sub needs a dedicated connection), dispatching to its local listeners by event id.
 */
export class RedisEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<BusListener>>();
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

  async publish(eventId: string, type: BusMessage['type'], data: Record<string, unknown>): Promise<void> {
    await PUBLISH.run(
      this.client,
      [this.seqKey(eventId), this.historyKey(eventId)],
      [this.channel, type, JSON.stringify(data), this.historyLength, HISTORY_TTL_MS],
    );
  }

  private onMessage = (raw: string): void => {
    // "<id>|<type>|<seq key>|<json>": the event id sits between the braces of the seq key's hash tag.
    const [id, type, seqKey] = raw.split('|', 3);
    const data = raw.slice(id!.length + type!.length + seqKey!.length + 3);
    const eventId = seqKey!.slice(seqKey!.indexOf('{') + 1, seqKey!.indexOf('}'));
    const listeners = this.listeners.get(eventId);
    if (!listeners) return;
    const message: BusMessage = { id: Number(id), type: type as BusMessage['type'], data: JSON.parse(data) };
    for (const listener of listeners) listener(eventId, message);
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
