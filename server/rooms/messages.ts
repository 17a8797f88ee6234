/**
 * Rooms as handler tables. Each room lists every client message it takes with its parser, its
 * rate-limit bucket and its handler; `registerMessages` wires them all, and the catch-all for
 * unknown types, through one path: admit (rate limit) -> parse -> handle -> refuse. A handler sees
 * only a parsed payload, and nothing it throws leaves the room.
 */
import type { Client } from "@colyseus/core";
import { logger } from "../log";
import type { RateLimiter } from "../security/rateLimit";
import type { RateBucket } from "../shared/limits";
import type { Parsed } from "../shared/parse";
import { RefusalCode, type ClientMessageName, type ClientMessages, type Refusal, type RoomName } from "../shared/wire";
import { refuse, refuseUnknownType, shownType } from "./refuse";

/** What a handler gives back: nothing when done, or a refusal the registrar forwards to the sender. */
export type Outcome = Refusal | void;

export interface MessageSpec<P, C extends Client> {
  /** From `unknown` to a fresh, checked payload, or a refusal. */
  parse: (input: unknown) => Parsed<P>;
  /** The RATE_LIMITS bucket this message draws on. */
  bucket: RateBucket;
  handle: (client: C, payload: P) => Outcome | Promise<Outcome>;
}

/** Every client message of room `R`, each with its parser, bucket and handler: none may be missing. */
export type HandlerTable<R extends RoomName, C extends Client> = {
  readonly [K in ClientMessageName<R>]: MessageSpec<ClientMessages[R][K], C>;
};

/** What the registrar needs of a room. */
export interface GuardedRoomLike<R extends RoomName, C extends Client> {
  readonly roomId: string;
  readonly limits: RateLimiter;
  onMessage(type: string, callback: (client: C, message: unknown) => void): unknown;
  readonly messages: HandlerTable<R, C>;
}

/** Logs a handler's failure with the room and session, and tells the sender it was not its fault. */
function failed(room: { roomId: string }, client: Client, type: string, error: unknown): void {
  logger.error({ err: error, roomId: room.roomId, sessionId: client.sessionId, type }, "message handler failed");
  refuse(client, type, RefusalCode.internalError, "the server failed on this message; nothing changed");
}

/** Runs one step of a message, forwarding its refusal; a throw or a rejection becomes `internal_error`. */
function run(room: { roomId: string }, client: Client, type: string, step: () => Outcome | Promise<Outcome>): void {
  try {
    const outcome = step();
    if (outcome instanceof Promise) {
      outcome.then((late) => late && refuse(client, type, late.code, late.message)).catch((error) => failed(room, client, type, error));
    } else if (outcome) {
      refuse(client, type, outcome.code, outcome.message);
    }
  } catch (error) {
    failed(room, client, type, error);
  }
}

/** Wires every message of `room.messages`, and the catch-all for any other type (bucket `other`). */
export function registerMessages<R extends RoomName, C extends Client>(room: GuardedRoomLike<R, C>): void {
  const bind = <P>(type: string, spec: MessageSpec<P, C>) =>
    room.onMessage(type, (client: C, input: unknown) =>
      run(room, client, type, () => {
        if (!room.limits.admit(client, spec.bucket, type)) return;
        const parsed = spec.parse(input);
        if (!parsed.ok) return parsed;
        return spec.handle(client, parsed.value);
      }),
    );
  for (const type of Object.keys(room.messages) as ClientMessageName<R>[]) bind(type, room.messages[type]);
  // A client that sends the literal type "*" lands here with its payload where the type should be.
  room.onMessage("*", (client: C, type: unknown) =>
    run(room, client, shownType(type), () => {
      if (room.limits.admit(client, "other", shownType(type))) refuseUnknownType(client, type);
    }),
  );
}
