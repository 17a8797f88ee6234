import type { Presence } from "@colyseus/core";

type Listener = (data: never) => void;

/**
 * Presence subscriptions owned by one room. Colyseus 0.16 does not unsubscribe a room's own
 * `presence.subscribe` calls when it is disposed (colyseus/colyseus#843, #842): with RedisPresence
 * every disposed room would leave a Redis subscription and a listener holding the room in memory.
 * Rooms subscribe through this and call `dispose()` in `onDispose`.
 */
export class RoomSubscriptions {
  private subscriptions: [string, Listener][] = [];

  constructor(private readonly presence: Presence) {}

  async subscribe<T>(topic: string, listener: (data: T) => void): Promise<void> {
    this.subscriptions.push([topic, listener as Listener]);
    await this.presence.subscribe(topic, listener);
  }

  async dispose(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map(([topic, listener]) => this.presence.unsubscribe(topic, listener)));
  }
}
