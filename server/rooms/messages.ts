/**
 * The one guarded path of every client message. A room declares a handler per message of its
 * protocol record (server/shared/messages.ts); `registerMessages` wires them all, and the
 * catch-all for unknown types, through: admit (rate limit) -> parse -> handle -> refuse. A handler
 * sees only a parsed payload, and nothing it throws leaves the room.
 */
import { ClientState, type Client } from "@colyseus/core";
import type { RateLimiter } from "../security/rateLimit";
import { CLOSE_RATE_LIMITED, RefusalCode, type Refusal } from "../shared/codes";
import { DROP_CLOSE_GRACE_MS } from "../shared/limits";
import { clientMessages, type ClientMessageName, type ClientMessages, type ClientMessageSpec } from "../shared/messages";
import type { RoomName } from "../shared/payloads";
import { ATTR_MESSAGING_OPERATION_TYPE, ATTR_MESSAGING_SYSTEM, SpanKind } from "../telemetry/tracing";
import { refuse, shownType, type RefusingRoom } from "./refuse";

/** What a handler gives back: nothing when done, or a refusal the registrar forwards to the sender. */
export type Outcome = Refusal | void;

/** A room's handler of every client message of its protocol record: none may be missing. */
export type Handlers<R extends RoomName, C extends Client> = {
  readonly [K in ClientMessageName<R>]: (client: C, payload: ClientMessages[R][K]) => Outcome | Promise<Outcome>;
};

/** What the registrar needs of a room. */
export interface GuardedRoomLike<R extends RoomName, C extends Client> extends RefusingRoom {
  readonly limits: RateLimiter;
  onMessage(type: string, callback: (client: C, message: unknown) => void): unknown;
  readonly messages: Handlers<R, C>;
}

/** Logs a handler's failure with the room and session, and tells the sender it was not its fault. */
function failed(room: RefusingRoom, client: Client, type: string, error: unknown): void {
  room.ctx.log.error({ err: error, roomId: room.roomId, sessionId: client.sessionId, type }, "message handler failed");
  refuse(room, client, type, RefusalCode.internalError, "the server failed on this message; nothing changed");
}

/**
 * Runs one step of a message, forwarding its refusal; a throw or a rejection becomes `internal_error`.
 * Returns, for a step that goes on later, when it is over (a traced message's span ends then).
 */
function run(room: RefusingRoom, client: Client, type: string, step: () => Outcome | Promise<Outcome>): Promise<void> | void {
  try {
    const outcome = step();
    if (outcome instanceof Promise) {
      return outcome.then((late) => void (late && refuse(room, client, type, late.code, late.message))).catch((error) => failed(room, client, type, error));
    } else if (outcome) {
      refuse(room, client, type, outcome.code, outcome.message);
    }
  } catch (error) {
    failed(room, client, type, error);
  }
}

/** Disconnects a client for sustained flooding (CLOSE_RATE_LIMITED); it keeps no seat. */
function cutOff(room: RefusingRoom, client: Client, shown: string): void {
  // Once per client: a span of its own when the message that ran dry is not traced.
  const cut = { "colyseus.room.id": room.roomId, "colyseus.session_id": client.sessionId, "colyseus.message.type": shown };
  room.ctx.tracing.span("cut off", { attributes: cut }, () => room.ctx.tracing.event("cut off", cut));
  room.ctx.metrics.countFloodCutOff();
  room.ctx.log.warn({ roomId: room.roomId, sessionId: client.sessionId, type: shown }, "disconnected for flooding");
  refuse(room, client, shown, RefusalCode.rateLimited, "disconnected for flooding");
  client.leave(CLOSE_RATE_LIMITED, "rate_limited");
  // A flooder that does not read never answers the close frame: its socket goes after the grace.
  const socket = (client as Client & { ref?: { terminate?(): void } }).ref;
  if (typeof socket?.terminate === "function") setTimeout(() => socket.terminate!(), DROP_CLOSE_GRACE_MS).unref();
  // Colyseus then skips, undecoded, whatever of the flood is still buffered before the close.
  client.state = ClientState.LEAVING;
}

/** Acts on the rate limiter's verdict for one message of `bucket`; true when it may be read. */
function admitted<R extends RoomName, C extends Client>(room: GuardedRoomLike<R, C>, client: C, bucket: string, shown: string): boolean {
  const verdict = room.limits.admit(client.sessionId, bucket);
  if (verdict === "pass") return true;
  room.ctx.metrics.countRateLimitDrop(bucket);
  if (verdict === "warn") {
    const { perSecond } = room.limits.rateOf(bucket);
    refuse(room, client, shown, RefusalCode.rateLimited, `too many "${shown}" messages: at most ${perSecond} per second`);
  } else if (verdict === "cutOff") {
    cutOff(room, client, shown);
  }
  return false;
}

/** Runs the receipt of a traced message under a `<room> receive` span, ended once its handler is done. */
function receiveTraced(room: RefusingRoom, name: RoomName, type: string, client: Client, receive: () => Promise<void> | void): Promise<void> | void {
  const attributes = {
    [ATTR_MESSAGING_SYSTEM]: "colyseus",
    [ATTR_MESSAGING_OPERATION_TYPE]: "receive",
    "colyseus.room.name": name,
    "colyseus.room.id": room.roomId,
    "colyseus.session_id": client.sessionId,
    "colyseus.message.type": type,
  };
  return room.ctx.tracing.span(`${name} receive`, { kind: SpanKind.SERVER, attributes }, receive);
}

/** Hands one message from `client` to the guarded path, as if it had arrived on its socket. */
export type Deliver<C extends Client> = (client: C, type: string, input: unknown) => void;

/**
 * Wires every message of room `name`'s protocol record to `room.messages`, and the catch-all for any
 * other type (bucket `other`). Returns the same path as a function, for senders without a socket
 * (server-side bots, server/rooms/bots.ts): what they send is admitted, parsed and refused like anyone's.
 */
export function registerMessages<R extends RoomName, C extends Client>(room: GuardedRoomLike<R, C>, name: R): Deliver<C> {
  const specs: Readonly<Record<string, ClientMessageSpec<unknown>>> = clientMessages[name];
  const handlers = room.messages as unknown as Record<string, (client: C, payload: unknown) => Outcome | Promise<Outcome>>;
  const guarded = (client: C, type: string, input: unknown) =>
    run(room, client, type, () => {
      if (!admitted(room, client, type, type)) return;
      const parsed = specs[type]!.parse(input);
      if (!parsed.ok) return parsed;
      return handlers[type]!(client, parsed.value);
    });
  // A traced message (a chat line, never a move) is received under a span: its refusals are events on it.
  const known = (client: C, type: string, input: unknown): void =>
    void (room.ctx.tracing.on && specs[type]!.traced === true ? receiveTraced(room, name, type, client, () => guarded(client, type, input)) : guarded(client, type, input));
  const unknown = (client: C, type: unknown) => {
    const shown = shownType(type);
    run(room, client, shown, () => {
      if (admitted(room, client, "other", shown)) refuse(room, client, shown, RefusalCode.unknownType, `unknown message type "${shown}"`);
    });
  };
  for (const type of Object.keys(specs)) room.onMessage(type, (client: C, input: unknown) => known(client, type, input));
  // A client that sends the literal type "*" lands here with its payload where the type should be.
  room.onMessage("*", (client: C, type: unknown) => unknown(client, type));
  return (client, type, input) => (Object.hasOwn(specs, type) ? known(client, type, input) : unknown(client, type));
}
