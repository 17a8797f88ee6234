/**
 * The shapes of the synchronised state as the client reads them (see README "Protocol"). The
 * client decodes state by reflection, so it needs no schema classes from the server.
 */
export interface PlayerState {
  name: string;
  x: number;
  y: number;
  hp: number;
  alive: boolean;
  kills: number;
  deaths: number;
  /** seq of the last move the server applied. */
  lastInput: number;
}

/** The part of a Colyseus MapSchema the client uses. */
export interface SyncedMap<T> {
  get(key: string): T | undefined;
  forEach(callback: (value: T, key: string) => void): void;
  readonly size: number;
}

export interface BattleStateView {
  players: SyncedMap<PlayerState>;
  width: number;
  height: number;
  tick: number;
}

export interface ChatStateView {
  channel: string;
  members: SyncedMap<{ name: string }>;
}
