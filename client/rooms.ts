/**
 * Typed rooms for colyseus.js: joins that add PROTOCOL_VERSION and check the join options, and
 * `send` / `onMessage` that take only the message names and payloads the protocol record
 * (server/shared/messages.ts) gives the room, so a wrong payload fails the type check. Used by the
 * browser client, the load tests and the tests.
 */
import type { Client, Room } from "colyseus.js";
import { type ClientMessageName, type ClientMessages, type JoinOptions, type ServerMessageName, type ServerMessages } from "../server/shared/messages";
import { PROTOCOL_VERSION, type RoomName } from "../server/shared/payloads";

declare const roomType: unique symbol;
/** A colyseus.js room of room type `R` with state `S`; only the joins below make one. */
export type GameRoom<R extends RoomName, S = unknown> = Room<S> & { readonly [roomType]: R };

/** The state type a caller reads in each room type (views in the browser, schema classes in tests). */
export type RoomStates = { [R in RoomName]: unknown };

/** A payload whose fields are all optional may be left out (`attack`). */
type PayloadArgs<P> = {} extends P ? [payload?: P] : [payload: P];

export function send<R extends RoomName, S, K extends ClientMessageName<R>>(
  room: GameRoom<R, S>,
  type: K,
  ...payload: PayloadArgs<ClientMessages[R][K]>
): void {
  room.send(type, payload[0]);
}

/** Calls `callback` with every `type` message the room gets; returns the function that stops it. */
export function onMessage<R extends RoomName, S, K extends ServerMessageName<R>>(
  room: GameRoom<R, S>,
  type: K,
  callback: (payload: ServerMessages[R][K]) => void,
): () => void {
  return room.onMessage(type, callback);
}

const versioned = <O extends object>(options: O) => ({ ...options, protocol: PROTOCOL_VERSION });

type Joiner = Pick<Client, "joinOrCreate" | "create" | "join" | "joinById" | "reconnect">;

/** The typed joins of `client`, whose rooms hold states of `States`. */
export function roomsOf<States extends RoomStates>(client: Joiner) {
  return {
    joinOrCreate: async <R extends RoomName>(name: R, options: JoinOptions[R]) =>
      (await client.joinOrCreate<States[R]>(name, versioned(options))) as GameRoom<R, States[R]>,
    create: async <R extends RoomName>(name: R, options: JoinOptions[R]) =>
      (await client.create<States[R]>(name, versioned(options))) as GameRoom<R, States[R]>,
    join: async <R extends RoomName>(name: R, options: JoinOptions[R]) =>
      (await client.join<States[R]>(name, versioned(options))) as GameRoom<R, States[R]>,
    /** `name`: the room type the caller knows `roomId` to be. */
    joinById: async <R extends RoomName>(name: R, roomId: string, options: JoinOptions[R]) =>
      (await client.joinById<States[R]>(roomId, versioned(options))) as GameRoom<R, States[R]>,
    /** `name`: the room type the token was given for. */
    reconnect: async <R extends RoomName>(_name: R, token: string) => (await client.reconnect<States[R]>(token)) as GameRoom<R, States[R]>,
  };
}
export type Rooms<States extends RoomStates> = ReturnType<typeof roomsOf<States>>;

/** A room joined some other way (a consumed seat reservation, a battle defined under a test name), declared to be of type `R`. */
export function asRoom<R extends RoomName, S>(_name: R, room: Room<S>): GameRoom<R, S> {
  return room as GameRoom<R, S>;
}

/** Back into the room `room` was in (same room type and state), with its reconnection token. */
export async function rejoin<R extends RoomName, S>(client: Pick<Client, "reconnect">, room: GameRoom<R, S>): Promise<GameRoom<R, S>> {
  return (await client.reconnect<S>(room.reconnectionToken)) as GameRoom<R, S>;
}
