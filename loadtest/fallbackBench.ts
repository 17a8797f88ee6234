/**
 * `npm run bench:fallback [-- --players 20 --seconds 10]`: N players in one battle over the
 * long-polling fallback against the same N over WebSockets, one after the other, each against a
 * fresh server process. Every player moves at 10 Hz (MOVE_EVERY_MS). Reports, per transport, the
 * server's CPU (its own utime + stime over the window, from /proc), the bytes on the wire per player
 * per second each way (a counting TCP proxy between players and server: HTTP headers, engine.io
 * framing and base64 included) and the move→ack p50. Prints a markdown table for
 * loadtest/results/fallback-*.md.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, connect, type AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Client } from "colyseus.js";
import { FallbackClient, TransportChoice } from "../client/transport";
import { roomsOf, send } from "../client/rooms";
import { ClientMessage, RoomName } from "../server/shared/protocol";
import { MOVE_EVERY_MS } from "./bench/plan";
import { ONE_ADDRESS_RIG_ENV } from "./rigEnv";
import { RefusedWebSocket, noUpgradeProxy } from "../test/helpers/noUpgradeProxy";

const { values } = parseArgs({ options: { players: { type: "string", default: "16" }, seconds: { type: "string", default: "10" } } });
const PLAYERS = Number(values.players);
const SECONDS = Number(values.seconds);
const TICKS_PER_S = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU in these.

type Transport = "websocket" | "polling";

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** A TCP proxy that counts bytes each way. */
async function countingProxy(targetPort: number) {
  const counts = { up: 0, down: 0 };
  const server = createServer((socket) => {
    const upstream = connect(targetPort, "127.0.0.1");
    socket.on("data", (chunk) => void (counts.up += chunk.length));
    upstream.on("data", (chunk) => void (counts.down += chunk.length));
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, counts, close: () => server.close() };
}

async function startServer(): Promise<{ port: number; pid: number; stop(): void }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    env: { ...process.env, ...ONE_ADDRESS_RIG_ENV, PORT: String(port), LOG_LEVEL: "warn", BOTS_FILL_TO: "0", SHUTDOWN_GRACE_MS: "0" },
    stdio: "ignore",
  });
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/__healthcheck`).catch(() => undefined))?.ok) return { port, pid: child.pid!, stop: () => child.kill("SIGKILL") };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error("the server did not start");
}

async function run(transport: Transport) {
  const server = await startServer();
  const counting = await countingProxy(server.port);
  const refusing = transport === "polling" ? await noUpgradeProxy(counting.port) : undefined;
  const endpoint = refusing?.endpoint ?? `http://127.0.0.1:${counting.port}`;
  const client = () => (transport === "polling" ? new FallbackClient(endpoint, new TransportChoice(undefined, RefusedWebSocket)) : new Client(endpoint));
  const first = await roomsOf(client()).create(RoomName.battle, { name: "p0", maxPlayers: PLAYERS } as never);
  const rooms = [first];
  for (let i = 1; i < PLAYERS; i++) rooms.push(await roomsOf(client()).joinById(RoomName.battle, first.roomId, { name: `p${i}` }));
  for (const room of rooms) room.onMessage("*", () => {});
  const acks: number[] = [];
  const sentAt = new Map<number, number>();
  let seq = 0;
  rooms[0]!.onStateChange((raw) => {
    const state = raw as { players?: Map<string, { lastInput: number }> };
    const last = state.players?.get(rooms[0]!.sessionId)?.lastInput ?? 0;
    for (const [s, at] of sentAt) if (s <= last) (acks.push(performance.now() - at), sentAt.delete(s));
  });
  const timer = setInterval(() => {
    seq++;
    rooms.forEach((room, i) => send(room, ClientMessage.move, { dx: (seq + i) % 4 < 2 ? 1 : -1, dy: 0, seq }));
    sentAt.set(seq, performance.now());
  }, MOVE_EVERY_MS);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const before = { cpu: cpuSeconds(server.pid), ...counting.counts, at: performance.now() };
  acks.length = 0;
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const seconds = (performance.now() - before.at) / 1000;
  const result = {
    transport,
    cpuPercent: (100 * (cpuSeconds(server.pid) - before.cpu)) / seconds,
    downBytesPerPlayerPerS: (counting.counts.down - before.down) / PLAYERS / seconds,
    upBytesPerPlayerPerS: (counting.counts.up - before.up) / PLAYERS / seconds,
    ackP50Ms: [...acks].sort((a, b) => a - b)[Math.floor(acks.length / 2)] ?? NaN,
  };
  clearInterval(timer);
  await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
  await refusing?.close();
  counting.close();
  server.stop();
  return result;
}

async function main() {
  const load = loadavg().map((n) => n.toFixed(2)).join(" ");
  const ws = await run("websocket");
  const polling = await run("polling");
  const loadAfter = loadavg().map((n) => n.toFixed(2)).join(" ");
  console.log(`${PLAYERS} players in one battle, each moving at ${1000 / MOVE_EVERY_MS} Hz, ${SECONDS} s measured per transport; load average ${load} before, ${loadAfter} after\n`);
  console.log("| transport | server CPU % | bytes down /player/s | bytes up /player/s | move→ack p50 ms |");
  console.log("|---|---|---|---|---|");
  for (const r of [ws, polling]) {
    console.log(`| ${r.transport} | ${r.cpuPercent.toFixed(1)} | ${r.downBytesPerPlayerPerS.toFixed(0)} | ${r.upBytesPerPlayerPerS.toFixed(0)} | ${r.ackP50Ms.toFixed(1)} |`);
  }
  console.log(`| polling ÷ websocket | ${(polling.cpuPercent / ws.cpuPercent).toFixed(2)} | ${(polling.downBytesPerPlayerPerS / ws.downBytesPerPlayerPerS).toFixed(2)} | ${(polling.upBytesPerPlayerPerS / ws.upBytesPerPlayerPerS).toFixed(2)} | |`);
  process.exit(0);
}

void main();
