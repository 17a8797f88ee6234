/**
 * The bots process of one bench step (forked by main.ts): joins `players` clients, plays the
 * scenario, and reports what it measured over the window the orchestrator asks for.
 */
import { Protocol, type Client } from "colyseus.js";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { roomsOf, type RoomStates } from "../../client/rooms";
import { ClientMessage, RoomName, ServerMessage, type JoinOptions } from "../../server/shared/protocol";
import { percentiles } from "./measure";
import {
  BENCH_CHANNEL,
  arenaSeats,
  CHAT_EVERY_MS,
  isArena,
  JOIN_CONCURRENCY,
  MOVE_EVERY_MS,
  TURN_EVERY_MS,
  type BotReport,
  type FromBots,
  type StepPlan,
  type ToBots,
} from "./plan";
import {
  baselineBattleProbe,
  chatProbeFrame,
  chatText,
  colyseusBattleProbe,
  ProbeTally,
  roomDataType,
  type Mover,
} from "./probes";
import { RawClient, reserveSeat, roomData, toWsEndpoint, type MatchmakeMethod } from "./rawClient";

/** Scheduler slot: bots are spread over the move period in buckets of this length. */
const SLOT_MS = 20;
/** A move still unacknowledged after this long counts as lost. */
const UNACKED_AFTER_MS = 1000;

const tally = new ProbeTally();
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();

let plan: StepPlan;
const movers: Mover[] = [];
const colyseusProbes: Mover[] = [];
const rawClients: RawClient[] = [];
const chatters: RawClient[] = [];
let drops = 0;
const timers: NodeJS.Timeout[] = [];
const chatSentAt = new Map<number, number>();
/** Positions in the join order that are probes; the first one also counts patches. */
let probeAt = new Set<number>();
let firstProbe = 0;
let measureFrom = { at: 0, cpu: process.cpuUsage(), bytes: 0 };

const send = (message: FromBots) => {
  if (process.connected) process.send!(message);
};

// The bench went away (killed, or its test timed out): close every socket by exiting.
process.on("disconnect", () => process.exit(1));

process.on("message", (message: ToBots) => {
  switch (message.kind) {
    case "start":
      plan = message.plan;
      void joinAll().then((joined) => send({ kind: "joined", ...joined }));
      return;
    case "measure":
      tally.reset();
      tally.measuring = true;
      lag.reset();
      measureFrom = { at: performance.now(), cpu: process.cpuUsage(), bytes: totalBytes() };
      return;
    case "report":
      send({ kind: "report", report: report() });
      return;
    case "stop":
      for (const timer of timers) clearInterval(timer);
      for (const mover of movers) mover.close();
      for (const client of rawClients) client.close();
      send({ kind: "stopped" });
      process.disconnect();
      return;
  }
});

const outcome = { joined: 0, joinFailures: 0, firstJoinError: undefined as string | undefined };

/** Joins every bot, JOIN_CONCURRENCY at a time, then starts the scenario's timers. */
async function joinAll() {
  probeAt = probePositions(plan.players, plan.probes);
  firstProbe = Math.min(...probeAt);
  const battle = plan.scenario !== "chat";
  let method: MatchmakeMethod = isArena(plan.scenario) ? "create" : "joinOrCreate";
  let target: string = battle ? RoomName.battle : RoomName.chat;
  const options = plan.scenario === "chat" ? { channel: BENCH_CHANNEL } : {};
  let next = 0;

  // The arena's room is created once with room for everybody; everyone else joins it by id.
  if (isArena(plan.scenario)) {
    const creator = await joinRaw(method, target, { maxPlayers: arenaSeats(plan.scenario, plan.players) }, 0);
    next = 1;
    if (!creator) return outcome;
    method = "joinById";
    target = creator.roomId;
  }

  const worker = async () => {
    while (next < plan.players) {
      const index = next++;
      if (probeAt.has(index) && battle && plan.target !== "baseline") await joinColyseusProbe(method, target, {}, index === firstProbe);
      else await joinRaw(method, target, options, index);
    }
  };
  await Promise.all(Array.from({ length: JOIN_CONCURRENCY }, worker));
  if (battle) startMoving();
  else startChatting();
  return outcome;
}

function probePositions(players: number, probes: number): Set<number> {
  const at = new Set<number>();
  for (let k = 0; k < Math.min(probes, players); k++) at.add(Math.floor(((k + 0.5) * players) / probes));
  return at;
}

function failed(error: unknown) {
  outcome.joinFailures += 1;
  outcome.firstJoinError ??= error instanceof Error ? error.message : String(error);
}

async function joinRaw(method: MatchmakeMethod, target: string, options: object, index: number) {
  const isProbe = probeAt.has(index);
  try {
    const seat = await reserveSeat(plan.endpoint, method, target, options);
    const probe = { onFrame: undefined as ((code: number, bytes: number, frame: Buffer) => void) | undefined };
    const client = await RawClient.connect(toWsEndpoint(plan.endpoint), seat, {
      onFrame: (code, bytes, frame) => {
        if (code === Protocol.ROOM_DATA && isError(frame)) tally.refusals += 1;
        probe.onFrame?.(code, bytes, frame);
      },
      onClose: () => (drops += 1),
    });
    outcome.joined += 1;
    rawClients.push(client);
    if (plan.scenario === "chat") {
      chatters.push(client);
      if (isProbe) probe.onFrame = chatProbeFrame(chatSentAt, tally);
    } else if (isProbe) {
      const baseline = baselineBattleProbe(client, tally, index === firstProbe);
      probe.onFrame = baseline.onFrame;
      movers.push(rawMover(client, baseline.acks.next.bind(baseline.acks), (ms) => baseline.acks.unacked(ms)));
    } else {
      movers.push(rawMover(client, counter(), () => 0));
    }
    return client;
  } catch (error) {
    failed(error);
    return undefined;
  }
}

/** A probe joins a battle only: `target` is the battle's room id (joinById) or its room name. */
async function joinColyseusProbe(method: MatchmakeMethod, target: string, options: JoinOptions["battle"], first: boolean) {
  const join = (client: Client) => {
    const rooms = roomsOf<RoomStates>(client);
    return method === "joinById" ? rooms.joinById(RoomName.battle, target, {}) : rooms.joinOrCreate(RoomName.battle, options);
  };
  try {
    const probe = await colyseusBattleProbe(plan.endpoint, join, tally, first, () => (drops += 1));
    movers.push(probe);
    colyseusProbes.push(probe);
    outcome.joined += 1;
  } catch (error) {
    failed(error);
  }
}

function counter() {
  let seq = 0;
  return () => ++seq;
}

function isError(frame: Buffer): boolean {
  return roomDataType(frame, { offset: 1 }) === ServerMessage.error;
}

function rawMover(client: RawClient, nextSeq: () => number, unacked: (ms: number) => number): Mover {
  return {
    move: (dx, dy) => client.send(roomData(RoomName.battle, ClientMessage.move, { dx, dy, seq: nextSeq() })),
    unacked,
    bytesIn: () => client.bytesIn,
    close: () => client.close(),
  };
}

/** Every bot moves at MOVE_EVERY_MS, spread over the period, turning every TURN_EVERY_MS. */
function startMoving() {
  const buckets = MOVE_EVERY_MS / SLOT_MS;
  const turnEvery = TURN_EVERY_MS / MOVE_EVERY_MS;
  const angles = movers.map(() => Math.random() * 2 * Math.PI);
  let slot = 0;
  timers.push(
    setInterval(() => {
      const bucket = slot % buckets;
      const turning = Math.floor(slot / buckets) % turnEvery === 0;
      slot += 1;
      for (let i = bucket; i < movers.length; i += buckets) {
        if (turning) angles[i] = Math.random() * 2 * Math.PI;
        movers[i].move(Math.cos(angles[i]), Math.sin(angles[i]));
      }
    }, SLOT_MS),
  );
}

/** One random member says a numbered line every CHAT_EVERY_MS; probes time its arrival. */
function startChatting() {
  let nonce = 0;
  timers.push(
    setInterval(() => {
      if (chatters.length === 0) return;
      nonce += 1;
      const speaker = chatters[Math.floor(Math.random() * chatters.length)];
      chatSentAt.set(nonce, performance.now());
      speaker.send(roomData(RoomName.chat, ClientMessage.chat, { text: chatText(nonce) }));
    }, CHAT_EVERY_MS),
  );
}

function totalBytes(): number {
  let sum = 0;
  for (const client of rawClients) sum += client.bytesIn;
  // colyseus.js probes are not raw clients; they count their own bytes.
  for (const probe of colyseusProbes) sum += probe.bytesIn();
  return sum;
}

function report(): BotReport {
  const seconds = (performance.now() - measureFrom.at) / 1000;
  const cpu = process.cpuUsage(measureFrom.cpu);
  const connected = outcome.joined - drops;
  return {
    joined: outcome.joined,
    joinFailures: outcome.joinFailures,
    firstJoinError: outcome.firstJoinError,
    drops,
    refusals: tally.refusals,
    seconds: Math.round(seconds * 10) / 10,
    bytesPerClientPerS: Math.round((totalBytes() - measureFrom.bytes) / Math.max(1, connected) / seconds),
    bytesPerMovedPlayerPerPatch: tally.movedPlayers > 0 ? Math.round((tally.patchBytes / tally.movedPlayers) * 100) / 100 : null,
    patchesPerS: tally.patchesSeenByFirst > 0 ? Math.round((tally.patchesSeenByFirst / seconds) * 10) / 10 : null,
    ackLatencyMs: percentiles(tally.ackMs),
    chatLatencyMs: percentiles(tally.chatMs),
    unackedMoves: movers.reduce((sum, mover) => sum + mover.unacked(UNACKED_AFTER_MS), 0),
    botsCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 1000) / 10,
    botsLoopLagP99Ms: Math.max(0, Math.round((lag.percentile(99) / 1e6 - 10) * 10) / 10),
  };
}
