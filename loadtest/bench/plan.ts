/** What the bench runs and the messages its processes exchange. */
import type { Percentiles, ServerMemory } from "./measure";
import type { AuditCounts } from "./viewAudit";

/** `soak`: the arena with interest management on for minutes, audited by decoding probes (viewAudit.ts). */
export const Scenario = { arena: "arena", rooms: "rooms", chat: "chat", soak: "soak" } as const;
export type Scenario = (typeof Scenario)[keyof typeof Scenario];

/**
 * `colyseus` is our server with interest management off, `interest` the same with it on;
 * `baseline` is loadtest/bench/baseline.ts, a raw `ws` server doing the same work.
 */
export type Target = "colyseus" | "interest" | "baseline";

/** One room of everybody, on the map of that many seats. */
export const isArena = (scenario: Scenario) => scenario === "arena" || scenario === "soak";
/** Seats of an arena step's room: the soak's audit probes (viewAudit.ts) join it too. */
export const arenaSeats = (scenario: Scenario, players: number) => Math.max(2, players + (scenario === "soak" ? AUDIT_PROBES : 0));

/** Players per room in the `rooms` scenario: the battle room's default capacity. */
export const ROOMS_SCENARIO_ROOM_SIZE = 16;
/** Every bot sends one `move` this often (10 Hz: half the 20 Hz tick, so its queue never fills). */
export const MOVE_EVERY_MS = 100;
/** A bot keeps one direction this long before it picks another. */
export const TURN_EVERY_MS = 500;
/** In the chat scenario one random member says something this often. */
export const CHAT_EVERY_MS = 100;
/** Joins in flight at once while a step fills up. */
export const JOIN_CONCURRENCY = 25;
/** Probe clients per step: they decode everything and measure latency; the other bots count bytes. */
export const PROBES: Record<Scenario, number> = { arena: 4, rooms: 8, chat: 4, soak: 4 };
/** Walking audit probes the soak adds inside the server process (viewAudit.ts). */
export const AUDIT_PROBES = 8;
/** Chat channel of the chat scenario. */
export const BENCH_CHANNEL = "bench";

/** The orchestrator's targets (the figures). */
export const GOALS = {
  arenaPlayers: 1000,
  roomsPlayers: 3000,
  battleP99Ms: 100,
  chatMembers: 1000,
  chatP99Ms: 20,
  /** Our CPU over the raw-ws baseline's, all see all, at each of these arena sizes. */
  cpuRatio: 1.25,
  cpuRatioPlayers: [200, 1000],
  /** The baseline's hand-packed record per player. */
  bytesPerMovedPlayer: 10,
  rssKbPerPlayer: 20,
  /** One arena of this many with interest management on. */
  interestPlayers: 2000,
  interestPatchesPerS: 20,
  interestCpuPercent: 60,
  interestBytesPerClientPerS: 20_000,
  interestRssKbPerPlayer: 30,
} as const;

/** One step: `players` bots (probes included) against `endpoint`. */
export interface StepPlan {
  scenario: Scenario;
  target: Target;
  /** http://host:port */
  endpoint: string;
  players: number;
  probes: number;
}

/** What the bots process measured over the measuring window. */
export interface BotReport {
  joined: number;
  joinFailures: number;
  firstJoinError?: string;
  /** Sockets closed by the server (or lost) after a successful join. */
  drops: number;
  /** `error` messages received (e.g. move_queue_full when the server falls behind). */
  refusals: number;
  seconds: number;
  /** Bytes of websocket payload received per connected client per second. */
  bytesPerClientPerS: number;
  /** Patch bytes divided by players whose position changed in that patch (probes only). */
  bytesPerMovedPlayerPerPatch: number | null;
  /** Patches per second one probe saw (the tick rate, when the server keeps up). */
  patchesPerS: number | null;
  /** Battle: `move` seq k sent until the probe's state shows lastInput >= k. */
  ackLatencyMs: Percentiles | null;
  /** Chat: a member sends until a probe receives that line. */
  chatLatencyMs: Percentiles | null;
  /** Moves sent but never acknowledged within the window (server fell behind or dropped them). */
  unackedMoves: number;
  /** The bots' own process: CPU in percent of one core, event-loop lag. */
  botsCpuPercent: number;
  botsLoopLagP99Ms: number;
}

export type ToBots =
  | { kind: "start"; plan: StepPlan }
  | { kind: "measure" }
  | { kind: "report" }
  | { kind: "stop" };

export type FromBots =
  | { kind: "joined"; joined: number; joinFailures: number; firstJoinError?: string }
  | { kind: "report"; report: BotReport }
  | { kind: "stopped" };

/** Messages between the orchestrator and loadtest/bench/serverProbe.ts inside the server process. */
export type ToServerProbe = { kind: "lag:reset" } | { kind: "lag:read" } | { kind: "gc" } | { kind: "audit:start"; probes: number } | { kind: "audit:read" };
/** Lag over the window, and CPU as the process itself counts it (a cross-check of /proc). */
export type FromServerProbe =
  | { kind: "lag"; p50Ms: number; p99Ms: number; maxMs: number; cpuPercent: number; windowUs: [number, number] }
  | { kind: "gc:done"; memory: ServerMemory }
  | { kind: "audit"; counts: AuditCounts | null; error?: string };
