/** Where a room subscribes: Colyseus's presence, or the chat relay (server/chat/relay.ts). */
export interface Subscriber<T> {
  subscribe(topic: string, listener: (data: T) => void): Promise<unknown>;
  unsubscribe(topic: string, listener: (data: T) => void): unknown;
}

/**
 * Presence (or chat relay) subscriptions owned by one room. Colyseus 0.16 does not unsubscribe a
 * room's own `presence.subscribe` calls when it is disposed (colyseus/colyseus#843, #842): with
 * RedisPresence every disposed room would leave a Redis subscription and a listener holding the room
 * in memory. Rooms subscribe through this and call `dispose()` in `onDispose`.
 */
export class RoomSubscriptions<T> {
  private subscriptions: [string, (data: T) => void][] = [];

  constructor(private readonly presence: Subscriber<T>) {}

  async subscribe(topic: string, listener: (data: T) => void): Promise<void> {
    this.subscriptions.push([topic, listener]);
    await this.presence.subscribe(topic, listener);
  }

  async dispose(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map(([topic, listener]) => this.presence.unsubscribe(topic, listener)));
  }
}
