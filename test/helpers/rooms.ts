/**
 * The client side of a test: typed joins (client/rooms.ts) through a test server or any colyseus.js
 * client, hostile joins and sends that skip the type check on purpose, and waits on room events.
 * Imports no server code, so a process that only plays clients (test/abuse/honestProcess.ts) loads
 * nothing of the app.
 */
import type { Client, Room as ClientRoom } from "colyseus.js";
import { asRoom, onMessage, roomsOf, type GameRoom, type RoomStates, type Rooms } from "../../client/rooms";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { ServerMessage, ServerMessagesOf, type ServerMessageName, type ServerMessages } from "../../server/shared/messages";
import { RoomName } from "../../server/shared/payloads";
import { EVENT_TIMEOUT_MS } from "./wait";

/** The state each room type's tests read: the server's schema classes. */
export interface TestStates {
  battle: BattleState;
  chat: ChatState;
  lobby: undefined;
}

type Joiner = Pick<Client, "joinOrCreate" | "create" | "join" | "joinById" | "reconnect">;
/** Where joins go: a test server (its `sdk`) or a colyseus.js client. */
export type Via = { readonly sdk: Joiner } | Joiner;
const joinerOf = (via: Via): Joiner => ("sdk" in via ? via.sdk : via);

/**
 * Typed joins through `via`: their rooms take `send` and `onMessage` of client/rooms.ts. `States`
 * names what the rooms' states are read as (the server's schema classes unless a suite reads the
 * client's views).
 */
export function sdkOf<States extends RoomStates = TestStates>(via: Via): Rooms<States> {
  return roomsOf<States>(joinerOf(via));
}

/**
 * joinOrCreate with options the join option types would not let through (not an object, an unknown
 * key, a bad value, another protocol version), sent exactly as given: for tests of hostile joins,
 * no type check on purpose.
 */
export async function joinUnchecked<R extends RoomName>(via: Via, roomName: R, options: unknown): Promise<GameRoom<R, TestStates[R]>> {
  return asRoom(roomName, await joinerOf(via).joinOrCreate<TestStates[R]>(roomName, options));
}

/** Sends what the wire map does not allow, for tests of hostile input: no type check on purpose. */
export function sendUnchecked(room: ClientRoom, type: string | number, payload?: unknown): void {
  room.send(type, payload);
}

const isRoomName = (name: string): name is RoomName => (Object.values(RoomName) as string[]).includes(name);

/**
 * Registers a no-op handler for every server message of the room's type, so none that arrives
 * unheard is logged by colyseus.js. A room defined under a test's own name hears every type's.
 */
export function hearAll<R extends RoomName, S>(room: GameRoom<R, S>): GameRoom<R, S> {
  const names: Record<string, string> = isRoomName(room.name) ? ServerMessagesOf[room.name] : ServerMessage;
  for (const type of Object.values(names)) room.onMessage(type, () => {});
  return room;
}

/** Resolves with the room's state once `predicate` holds, checking on every state change. */
export function until<S>(room: ClientRoom<S>, predicate: (state: S) => boolean, what = "state condition"): Promise<S> {
  return new Promise((resolve, reject) => {
    if (room.state && predicate(room.state)) return resolve(room.state);
    const timer = setTimeout(() => {
      room.onStateChange.remove(check);
      reject(new Error(`timed out waiting for ${what}`));
    }, EVENT_TIMEOUT_MS);
    const check = (state: S) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      room.onStateChange.remove(check);
      resolve(state);
    };
    room.onStateChange(check);
  });
}

/** The next message of `type` the client receives (that `matches`, when given). */
export function nextMessage<R extends RoomName, S, K extends ServerMessageName<R>>(
  room: GameRoom<R, S>,
  type: K,
  matches: (message: ServerMessages[R][K]) => boolean = () => true,
  timeoutMs = EVENT_TIMEOUT_MS,
): Promise<ServerMessages[R][K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unbind();
      reject(new Error(`timed out waiting for message "${type}"`));
    }, timeoutMs);
    const unbind = onMessage(room, type, (message) => {
      if (!matches(message)) return;
      clearTimeout(timer);
      unbind();
      resolve(message);
    });
  });
}

export const nextError = <R extends RoomName, S>(room: GameRoom<R, S>) => nextMessage(room, ServerMessage.error);

/** Collects every message of `type` a client receives, to check later that none came. */
export function collect<R extends RoomName, S, K extends ServerMessageName<R>>(room: GameRoom<R, S>, type: K): ServerMessages[R][K][] {
  const seen: ServerMessages[R][K][] = [];
  onMessage(room, type, (message) => seen.push(message));
  return seen;
}

/** Resolves with the close code once the client leaves the room or is closed by the server. */
export function closedWith(room: ClientRoom): Promise<number> {
  return new Promise((resolve) => room.onLeave.once((code: number) => resolve(code)));
}
