/**
 * The spans of a room's joins (docs/operating.md "Tracing"): the seat reservation the matchmaking
 * process asks of the room's process (the trace context rides in the seat's auth data through
 * Colyseus's presence call), the join when the socket claims the seat, and a reconnection.
 */
import { matchMaker, type Room } from "@colyseus/core";
import type { AppContext } from "../context";
import { ATTR_CLOUD_REGION, contextOf, linksTo, SpanKind, TRACEPARENT_FIELD, type Attributes, type Carrying } from "../telemetry/tracing";

/** What the spans of a room say about it: name, id, process and region. */
export function roomAttributes(room: Pick<Room, "roomName" | "roomId">, ctx: AppContext): Attributes {
  return {
    "colyseus.room.name": room.roomName,
    "colyseus.room.id": room.roomId,
    "colyseus.process_id": matchMaker.processId,
    ...(ctx.settings.regions.here ? { [ATTR_CLOUD_REGION]: ctx.settings.regions.here } : {}),
  };
}

/** The trace context carried by a seat's auth data (set by the base room's static onAuth). */
export const carriedBy = (authData: unknown): string | undefined =>
  typeof authData === "object" && authData !== null ? (authData as Carrying)[TRACEPARENT_FIELD] : undefined;

/** Runs a seat reservation under the span of the matchmaking request that asked for it (a reconnection's seat has none). */
export function tracedReservation<T>(room: Room, ctx: AppContext, authData: unknown, reconnection: boolean, reserve: () => T): T {
  const carried = carriedBy(authData);
  if (!ctx.tracing.on || carried === undefined || reconnection) return reserve();
  return ctx.tracing.span("seat reservation", { kind: SpanKind.SERVER, parent: contextOf(carried), attributes: roomAttributes(room, ctx) }, reserve);
}

/**
 * Runs a socket's join under a `join` span in the trace of its matchmaking request, or a
 * `reconnect` span of its own (linked to the join it continues) when it claims a kept seat.
 */
export function tracedJoin<T>(room: Room, ctx: AppContext, sessionId: string, seat: readonly unknown[] | undefined, join: () => T): T {
  if (!ctx.tracing.on || !seat) return join();
  const carried = carriedBy(seat[1]);
  const attributes = { ...roomAttributes(room, ctx), "colyseus.session_id": sessionId };
  if (seat[3] === true) {
    return ctx.tracing.span("reconnect", { kind: SpanKind.SERVER, attributes, links: linksTo(carried) }, join);
  }
  return ctx.tracing.span("join", { kind: SpanKind.SERVER, parent: carried !== undefined ? contextOf(carried) : undefined, attributes }, join);
}
