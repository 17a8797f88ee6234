import { matchMaker } from "@colyseus/core";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { ClientMessage, LimitRefusal, RoomName } from "../shared/protocol";

/**
 * Prometheus metrics of this process, served at GET /metrics (server/ops/http.ts).
 * Rooms call the small functions at the bottom in one line each; the transport tap counts the rest.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const KNOWN_MESSAGE_TYPES: ReadonlySet<string> = new Set(Object.values(ClientMessage));
/** Label for a client-chosen message type: unknown names collapse so clients cannot mint label values. */
export function messageTypeLabel(type: unknown): string {
  return typeof type === "string" && KNOWN_MESSAGE_TYPES.has(type) ? type : "other";
}

/** Rooms of this process (the driver may list other processes' rooms too). */
async function localRooms() {
  return matchMaker.query({ processId: matchMaker.processId });
}

/** Sets one value per room type, zero for types without a room, from this process's listings. */
async function setPerRoomType(gauge: Gauge<"room">, value: (listing: { clients: number }) => number) {
  const totals = new Map<string, number>(Object.values(RoomName).map((name) => [name, 0]));
  for (const listing of await localRooms()) totals.set(listing.name, (totals.get(listing.name) ?? 0) + value(listing));
  gauge.reset();
  for (const [room, total] of totals) gauge.set({ room }, total);
}

const clients: Gauge<"room"> = new Gauge({
  name: "game_clients",
  help: "Connected clients, by room type",
  labelNames: ["room"],
  registers: [registry],
  collect: () => setPerRoomType(clients, (listing) => listing.clients),
});
const rooms: Gauge<"room"> = new Gauge({
  name: "game_rooms",
  help: "Open rooms, by room type",
  labelNames: ["room"],
  registers: [registry],
  collect: () => setPerRoomType(rooms, () => 1),
});

export const messagesReceived = new Counter({
  name: "game_messages_received_total",
  help: "Room messages received from clients, by room type and message type (unknown types count as 'other')",
  labelNames: ["room", "type"],
  registers: [registry],
});
const messagesRefused = new Counter({
  name: "game_messages_refused_total",
  help: "Room messages refused with an `error` message, by message type and refusal code",
  labelNames: ["type", "reason"],
  registers: [registry],
});
export const bytesSent = new Counter({
  name: "game_bytes_sent_total",
  help: "Bytes sent to clients over websockets, by frame kind (patch, state, message, other)",
  labelNames: ["kind"],
  registers: [registry],
});
export const patchBytes = new Histogram({
  name: "game_patch_bytes",
  help: "Size of each state patch frame sent to a client",
  buckets: [16, 64, 256, 1024, 4096, 16384, 65536],
  registers: [registry],
});
const tickSeconds = new Histogram({
  name: "game_tick_duration_seconds",
  help: "Time one battle simulation tick takes, including its patch",
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  registers: [registry],
});
const chatLines = new Counter({
  name: "game_chat_lines_relayed_total",
  help: "Chat lines relayed to a channel, by kind (user, system)",
  labelNames: ["kind"],
  registers: [registry],
});
export const reconnections = new Counter({
  name: "game_reconnections_total",
  help: "Reconnection attempts over websockets, by outcome (ok, refused)",
  labelNames: ["outcome"],
  registers: [registry],
});

const rateLimitDrops = new Counter({
  name: "game_rate_limit_drops_total",
  help: "Client messages dropped unread by the per-client rate limiter, by limited type (move, attack, chat, resume, other)",
  labelNames: ["type"],
  registers: [registry],
});

/** The rate limiter dropped one message of the limited `type` (a RATE_LIMITS key, so a bounded label). */
export function countRateLimitDrop(type: string): void {
  rateLimitDrops.inc({ type });
}

/** refuse(): one refused message. */
export function countRefusal(type: string, reason: string): void {
  messagesRefused.inc({ type: messageTypeLabel(type), reason });
}

/** Wraps a simulation step so each call is timed: `setSimulationInterval(timedTick(fn), ms)`. */
export function timedTick(step: () => void): () => void {
  return () => {
    const done = tickSeconds.startTimer();
    try {
      step();
    } finally {
      done();
    }
  };
}

/** Chat: one line relayed to the channel. */
export function countChatLine(kind: string): void {
  chatLines.inc({ kind });
}

const floodCutOffs = new Counter({
  name: "game_flood_cutoffs_total",
  help: "Clients disconnected for sustained flooding (close code 4429)",
  registers: [registry],
});
const backpressureDrops = new Counter({
  name: "game_backpressure_drops_total",
  help: "Clients dropped for not reading what they are sent, by reason (backlog, stalled, join_unacknowledged)",
  labelNames: ["reason"],
  registers: [registry],
});
const limitNames = new Map<number, string>(Object.entries(LimitRefusal).map(([name, code]) => [code, name]));
const limitRefusals = new Counter({
  name: "game_limit_refusals_total",
  help: "Requests refused by a per-address, per-identity or per-process limit, by limit (LimitRefusal names)",
  labelNames: ["limit"],
  registers: [registry],
});
const adminLoginRefusals = new Counter({
  name: "game_admin_login_refusals_total",
  help: "Admin requests refused, by reason (wrong_credentials, throttled)",
  labelNames: ["reason"],
  registers: [registry],
});

/** Rate limiter: one client cut off for flooding. */
export function countFloodCutOff(): void {
  floodCutOffs.inc();
}

/** Backpressure guard: one client dropped. */
export function countBackpressureDrop(reason: string): void {
  backpressureDrops.inc({ reason });
}

/** One request refused by a LimitRefusal limit. */
export function countLimitRefusal(code: LimitRefusal): void {
  limitRefusals.inc({ limit: limitNames.get(code) ?? "other" });
}

/** One admin request refused: wrong credentials, or an address throttled after too many. */
export function countAdminRefusal(reason: "wrong_credentials" | "throttled"): void {
  adminLoginRefusals.inc({ reason });
}
