import type { BusListener, BusMessage, EventBus } from '../../lib/adapter/event-bus';

interface Channel {
  lastId: number;
  history: BusMessage[];
  listeners: Set<BusListener>;
}

/** Embedded mode: one process, so fan-out is a loop; the history is a bounded array per event. */
export class MemoryEventBus implements EventBus {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly historyLength = 1_000) {}

  private channel(eventId: string): Channel {
    let channel = this.channels.get(eventId);
    if (!channel) {
      channel = { lastId: 0, history: [], listeners: new Set() };
      this.channels.set(eventId, channel);
    }
    return channel;
  }

  async publish(eventId: string, type: BusMessage['type'], data: Record<string, unknown>): Promise<void> {
    const channel = this.channel(eventId);
    const message: BusMessage = { id: ++channel.lastId, type, data };
    channel.history.push(message);
    if (channel.history.length > this.historyLength) channel.history.shift();
    // Delivered on a later tick, as over the network: a publisher never runs listeners inline.
    queueMicrotask(() => {
      for (const listener of channel.listeners) listener(eventId, message);
    });
  }

  async subscribe(eventId: string, listener: BusListener): Promise<() => void> {
    const channel = this.channel(eventId);
    channel.listeners.add(listener);
    return () => channel.listeners.delete(listener);
  }

  async since(eventId: string, afterId: number): Promise<BusMessage[] | null> {
    const { history, lastId } = this.channel(eventId);
    if (afterId >= lastId) return [];
    const oldest = history[0]?.id ?? lastId + 1;
    if (oldest > afterId + 1) return null;
    return history.filter((message) => message.id > afterId);
  }
}
