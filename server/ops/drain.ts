/**
 * Drain for a deploy (SIGUSR2 or POST /admin/drain): this process takes no new rooms or seats
 * (its mark in presence keeps every process's placement away, its rooms are locked), /ready answers
 * 503, chat members are asked to move (they join the channel again elsewhere, losing nothing),
 * battles play on until they empty or DRAIN_TIMEOUT_S passes. Then the drain ends and the entry
 * shuts the process down gracefully: the battles left get the shutdown notice.
 */
import { matchMaker, type Client } from "@colyseus/core";
import type express from "express";
import type { AppContext } from "../context";
import type { ChatRoom } from "../rooms/ChatRoom";
import { markDraining, type DrainEnd } from "../scaling/drain";
import { RoomName } from "../shared/payloads";

/** How often a draining process looks at its rooms: asks members who came back since to move, ends when none is left. */
export const DRAIN_CHECK_MS = 250;

/** Begins the drain; false when it had begun already. */
export function beginDrain(ctx: AppContext): boolean {
  const { drain, log, settings, liveRooms } = ctx;
  const now = Date.now();
  if (!drain.begin(now)) return false;
  log.info({ timeoutS: settings.drainTimeoutS, rooms: liveRooms.size }, "draining: no new rooms or seats on this process");
  const deadline = now + settings.drainTimeoutS * 1000;
  // Lobbies are per-process views of the listing: they close with the process.
  const rooms = () => [...liveRooms].filter((room) => room.roomName !== RoomName.lobby);
  // Members asked already (a reconnected member is a new Client, and is asked again).
  const asked = new WeakSet<Client>();
  // Only the rooms here when the drain began are locked and moved: a room created here since had
  // nowhere else to go (every process drains, or there is one), and moving its members again would loop.
  const draining = new Set(rooms());
  const check = (): DrainEnd | undefined => {
    const left = rooms();
    if (left.length === 0) return "empty";
    if (Date.now() >= deadline) return "timeout";
    for (const room of left) {
      if (!draining.has(room) || room.roomName !== RoomName.chat) continue;
      for (const client of room.clients) {
        if (asked.has(client)) continue;
        asked.add(client);
        (room as ChatRoom).askToMove(client);
      }
    }
    return undefined;
  };
  const watch = () => {
    const timer = setInterval(() => {
      const end = check();
      if (end === undefined) return;
      clearInterval(timer);
      drain.end(end);
    }, DRAIN_CHECK_MS);
    timer.unref();
    const first = check();
    if (first === undefined) return;
    clearInterval(timer);
    drain.end(first);
  };
  // Locked and marked before anyone is asked to move: a member that joins again lands elsewhere.
  const mark = settings.scaling.mode === "redis" ? markDraining(matchMaker.presence, matchMaker.processId, now) : undefined;
  Promise.all([mark, ...[...draining].map((room) => room.lock())])
    .catch((err: unknown) => log.warn({ err }, "could not mark this process as draining in presence"))
    .finally(watch);
  return true;
}

/** POST /admin/drain (behind the admin guard): 202 with what the drain does. */
export function drainRoute(ctx: AppContext): express.RequestHandler {
  return (_req, res) => {
    const began = beginDrain(ctx);
    res.status(202).json({ status: "draining", began, timeoutS: ctx.settings.drainTimeoutS });
  };
}
