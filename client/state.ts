/**
 * The shapes of the synchronised state as the client reads them (see docs/protocol.md). The
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
  /** A server-side bot: its label and score row say so. */
  bot: boolean;
  /** seq of the last move the server applied. */
  lastInput: number;
  /** False for a player outside the interest radius: only name, kills and deaths are current. */
  inView: boolean;
}

/** Fields the server sends only for players within the interest radius (docs/netcode.md). */
type ViewedFields = "x" | "y" | "hp" | "alive" | "lastInput";

/** A player as the synchronised state holds it: the viewed fields are undefined out of view. */
export type SyncedPlayer = Omit<PlayerState, ViewedFields | "inView"> & Partial<Pick<PlayerState, ViewedFields>>;

/** The part of a Colyseus MapSchema the client uses. */
export interface SyncedMap<T> {
  get(key: string): T | undefined;
  forEach(callback: (value: T, key: string) => void): void;
  readonly size: number;
}

export interface BattleStateView {
  players: SyncedMap<SyncedPlayer>;
  width: number;
  height: number;
  tick: number;
  /** The room's name as word indexes (server/shared/roomNames.ts); absent from older servers. */
  nameModifier?: number;
  nameNoun?: number;
}

/**
 * The seq of the last own move the server applied. The one place that knows how the
 * acknowledgement reaches the client, so moving it elsewhere changes only this function.
 */
export function ownAck(state: BattleStateView, sessionId: string): number | undefined {
  return state.players.get(sessionId)?.lastInput;
}

export interface ChatStateView {
  channel: string;
  members: SyncedMap<{ name: string }>;
}

/** The state the client reads in each room type (the lobby has none). */
export interface ClientStates {
  battle: BattleStateView;
  chat: ChatStateView;
  lobby: undefined;
}
