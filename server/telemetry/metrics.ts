import { matchMaker } from "@colyseus/core";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { ClientMessage, LimitRefusal, RoomName } from "../shared/protocol";
import { PATCH_BYTE_BUCKETS, WireTally } from "./wireTally";

const KNOWN_MESSAGE_TYPES: ReadonlySet<string> = new Set(Object.values(ClientMessage));
const LIMIT_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(LimitRefusal).map(([name, code]) => [code, name]));

/** Label for a client-chosen message type: unknown names collapse so clients cannot mint label values. */
export function messageTypeLabel(type: unknown): string {
  return typeof type === "string" && KNOWN_MESSAGE_TYPES.has(type) ? type : "other";
}

/** Label for a room name (the lobby's listings may name any type): unknown ones collapse to "other". */
export function roomLabel(name: string | undefined): string {
  return name !== undefined && (Object.values(RoomName) as string[]).includes(name) ? name : "other";
}

/** How a client is connected: a WebSocket, the fallback's long polling, or the fallback upgraded to a WebSocket. */
export type TransportLabel = "websocket" | "polling" | "upgraded";
export const TRANSPORT_LABELS: readonly TransportLabel[] = ["websocket", "polling", "upgraded"];

/** A client's transport: fallback sessions name theirs (server/security/fallbackSocket.ts); any other socket is a WebSocket. */
export function transportLabel(socket: unknown): TransportLabel {
  return (socket as { transportLabel?: TransportLabel } | undefined)?.transportLabel ?? "websocket";
}

/** Connected clients of this process's rooms, by room type and transport (zero for every pair without one). */
async function setClients(gauge: Gauge<"room" | "transport">) {
  const totals = new Map<string, number>();
  for (const room of Object.values(RoomName)) for (const transport of TRANSPORT_LABELS) totals.set(`${room} ${transport}`, 0);
  for (const listing of await localRooms()) {
    for (const client of matchMaker.getLocalRoomById(listing.roomId)?.clients ?? []) {
      const key = `${listing.name} ${transportLabel(client.ref)}`;
      totals.set(key, (totals.get(key) ?? 0) + 1);
    }
  }
  gauge.reset();
  for (const [key, total] of totals) {
    const [room, transport] = key.split(" ") as [string, string];
    gauge.set({ room, transport }, total);
  }
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

/**
 * The process's own metrics (CPU, memory, GC, event loop delay): made once per process by its entry,
 * as each set keeps a GC observer and an event-loop histogram running for good.
 */
export function processMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Prometheus metrics of one app, served at GET /metrics (server/ops/http.ts). Everything that
 * counts gets this object from the app context; the transport's wire meter counts the bytes.
 */
export class Metrics {
  readonly registry = new Registry();
  /** The wire meter's counts, handed to the three counters below at each scrape. */
  readonly wire = new WireTally(TRANSPORT_LABELS);

  private readonly clients: Gauge<"room" | "transport"> = new Gauge({
    name: "game_clients",
    help: "Connected clients, by room type and transport (websocket, polling, upgraded)",
    labelNames: ["room", "transport"],
    registers: [this.registry],
    collect: () => setClients(this.clients),
  });
  private readonly rooms: Gauge<"room"> = new Gauge({
    name: "game_rooms",
    help: "Open rooms, by room type",
    labelNames: ["room"],
    registers: [this.registry],
    collect: () => setPerRoomType(this.rooms, () => 1),
  });
  /** Server-side bots running (at most MAX_BOTS; server/security/botBudget.ts). */
  readonly bots: Gauge = new Gauge({
    name: "game_bots",
    help: "Server-side bots running in this process (at most MAX_BOTS)",
    registers: [this.registry],
  });
  private readonly messagesReceived: Counter<"room" | "type" | "transport"> = new Counter({
    name: "game_messages_received_total",
    help: "Room messages received from clients, by room type, message type (unknown types count as 'other') and transport",
    labelNames: ["room", "type", "transport"],
    registers: [this.registry],
    collect: () => this.wire.flushReceived(this.messagesReceived),
  });
  private readonly messagesRefused = new Counter({
    name: "game_messages_refused_total",
    help: "Room messages refused with an `error` message, by message type and refusal code",
    labelNames: ["type", "reason"],
    registers: [this.registry],
  });
  private readonly bytesSent: Counter<"kind"> = new Counter({
    name: "game_bytes_sent_total",
    help: "Bytes sent to clients over websockets, by frame kind (patch, state, message, other)",
    labelNames: ["kind"],
    registers: [this.registry],
    collect: () => this.wire.flushSent(this.bytesSent),
  });
  private readonly patchBytes: Histogram = new Histogram({
    name: "game_patch_bytes",
    help: "Size of each state patch frame sent to a client",
    buckets: [...PATCH_BYTE_BUCKETS],
    registers: [this.registry],
    collect: () => this.wire.flushPatches(this.patchBytes),
  });
  private readonly tickSeconds = new Histogram({
    name: "game_tick_duration_seconds",
    help: "Time one battle simulation tick takes, including its patch",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  private readonly chatLines = new Counter({
    name: "game_chat_lines_relayed_total",
    help: "Chat lines relayed to a channel, by kind (user, system)",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  readonly reconnections = new Counter({
    name: "game_reconnections_total",
    help: "Reconnection attempts over websockets, by outcome (ok, refused)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  private readonly rateLimitDrops = new Counter({
    name: "game_rate_limit_drops_total",
    help: "Client messages dropped unread by the per-client rate limiter, by limited type (a message name, or other)",
    labelNames: ["type"],
    registers: [this.registry],
  });
  private readonly floodCutOffs = new Counter({
    name: "game_flood_cutoffs_total",
    help: "Clients disconnected for sustained flooding (close code 4429)",
    registers: [this.registry],
  });
  private readonly backpressureDrops = new Counter({
    name: "game_backpressure_drops_total",
    help: "Clients dropped for not reading what they are sent, by reason (backlog, stalled, join_unacknowledged, join_queue)",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  private readonly wireRefusals = new Counter({
    name: "game_wire_refusals_total",
    help: "Connections closed by the wire guard before any decoding, by reason (flood: over the frame or byte budget; malformed: a frame outside the protocol)",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  private readonly httpConnectionRefusals = new Counter({
    name: "game_http_connections_refused_total",
    help: "TCP connections closed on arrival, by limit (per_address: HTTP_CONNECTIONS_PER_ADDRESS, per_process: MAX_HTTP_CONNECTIONS)",
    labelNames: ["limit"],
    registers: [this.registry],
  });
  private readonly limitRefusals = new Counter({
    name: "game_limit_refusals_total",
    help: "Requests refused by a per-address, per-identity or per-process limit, by limit (LimitRefusal names)",
    labelNames: ["limit"],
    registers: [this.registry],
  });
  private readonly adminLoginRefusals = new Counter({
    name: "game_admin_login_refusals_total",
    help: "Admin requests refused, by reason (wrong_credentials, throttled)",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  private readonly pingRefusals = new Counter({
    name: "game_ping_refusals_total",
    help: "GET /ping requests refused for going over PING_PER_ADDRESS",
    registers: [this.registry],
  });
  private readonly joinsWithoutProtocol = new Counter({
    name: "game_joins_without_protocol_total",
    help: "Joins whose options name no `protocol` version (accepted: stock Colyseus clients send none), by room type",
    labelNames: ["room"],
    registers: [this.registry],
  });

  /** `process`: the process's own metrics (CPU, memory, GC, event loop), served beside the app's. */
  constructor(private readonly process?: Registry) {}

  /** The text GET /metrics serves: this app's metrics and the process's. */
  async text(): Promise<string> {
    const own = await this.registry.metrics();
    return this.process ? `${own}\n${await this.process.metrics()}` : own;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The rate limiter dropped one message of the limited `type` (a message name or "other", so a bounded label). */
  countRateLimitDrop(type: string): void {
    this.rateLimitDrops.inc({ type });
  }

  /** One refused message. */
  countRefusal(type: string, reason: string): void {
    this.messagesRefused.inc({ type: messageTypeLabel(type), reason });
  }

  /** Wraps a simulation step so each call is timed: `setSimulationInterval(metrics.timedTick(fn), ms)`. */
  timedTick(step: () => void): () => void {
    return () => {
      const done = this.tickSeconds.startTimer();
      try {
        step();
      } finally {
        done();
      }
    };
  }

  /** Chat: one line relayed to the channel. */
  countChatLine(kind: string): void {
    this.chatLines.inc({ kind });
  }

  /** One client cut off for flooding. */
  countFloodCutOff(): void {
    this.floodCutOffs.inc();
  }

  /** One client dropped for not reading what it is sent. */
  countBackpressureDrop(reason: string): void {
    this.backpressureDrops.inc({ reason });
  }

  /** One connection closed by the wire guard. */
  countWireRefusal(reason: "flood" | "malformed"): void {
    this.wireRefusals.inc({ reason });
  }

  /** One TCP connection closed on arrival by an HTTP connection cap. */
  countHttpConnectionRefusal(limit: "per_address" | "per_process"): void {
    this.httpConnectionRefusals.inc({ limit });
  }

  /** One request refused by a LimitRefusal limit. */
  countLimitRefusal(code: LimitRefusal): void {
    this.limitRefusals.inc({ limit: LIMIT_NAMES.get(code) ?? "other" });
  }

  /** One admin request refused: wrong credentials, or an address throttled after too many. */
  countAdminRefusal(reason: "wrong_credentials" | "throttled"): void {
    this.adminLoginRefusals.inc({ reason });
  }

  /** One GET /ping refused: its address is over PING_PER_ADDRESS. */
  countPingRefusal(): void {
    this.pingRefusals.inc();
  }

  /** One join whose options name no protocol version. */
  countJoinWithoutProtocol(room: string): void {
    this.joinsWithoutProtocol.inc({ room: roomLabel(room) });
  }
}
