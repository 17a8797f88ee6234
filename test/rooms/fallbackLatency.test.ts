/**
 * Move → acknowledgement over the long-polling fallback against a WebSocket, both through the
 * latency proxy at the same round trip: the fallback costs at most half as much again.
 */
import assert from "node:assert/strict";
import type { Client } from "colyseus.js";
import { WebSocket } from "ws";
import { FallbackClient, TransportChoice } from "../../client/transport";
import { send } from "../../client/rooms";
import { ClientMessage, RoomName } from "../../server/shared/protocol";
import { latencyProxy, type LatencyProxy } from "../helpers/latency";
import { noUpgradeProxy, type NoUpgradeProxy } from "../helpers/noUpgradeProxy";
import { hearAll, sdkOf, until } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { Client as PlainClient } from "colyseus.js";

const RTT_MS = 100;
const SAMPLES = 21;
/** The fallback's p50 may be this many times the WebSocket's. */
const POLLING_P50_RATIO_MAX = 1.5;

const memory = () => {
  const kept = new Map<string, string>();
  return { getItem: (key: string) => kept.get(key) ?? null, setItem: (key: string, value: string) => void kept.set(key, value) };
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Joins a battle through `client` and times SAMPLES moves, each from send to the state that acknowledges it. */
async function moveAcks(client: Client): Promise<number[]> {
  const battle = hearAll(await sdkOf(client).create(RoomName.battle, { name: "Lag" }));
  await until(battle, (s) => s.players?.has(battle.sessionId) === true, "joined");
  const times: number[] = [];
  for (let seq = 1; seq <= SAMPLES; seq++) {
    const sent = performance.now();
    send(battle, ClientMessage.move, { dx: seq % 2 ? 1 : -1, dy: 0, seq });
    await until(battle, (s) => (s.players.get(battle.sessionId)?.lastInput ?? 0) >= seq, `ack of move ${seq}`);
    times.push(performance.now() - sent);
  }
  await battle.leave();
  return times;
}

describe("rooms: move acknowledgement over the fallback", function () {
  this.timeout(60_000);
  const server = useServer();
  let lag: LatencyProxy | undefined;
  let refusing: NoUpgradeProxy | undefined;
  afterEach(async () => {
    await refusing?.close();
    await lag?.close();
  });

  it(`acknowledges moves over long polling within ${POLLING_P50_RATIO_MAX}× of a WebSocket's p50 at ${RTT_MS} ms RTT`, async () => {
    lag = await latencyProxy(server.port, { rttMs: RTT_MS });
    refusing = await noUpgradeProxy(Number(new URL(lag.endpoint).port));
    const ws = await moveAcks(new PlainClient(lag.endpoint));
    const choice = new TransportChoice(memory(), WebSocket as unknown as ConstructorParameters<typeof TransportChoice>[1]);
    const polling = await moveAcks(new FallbackClient(refusing.endpoint, choice));
    assert.equal(choice.mode, "polling");
    const [wsP50, pollingP50] = [median(ws), median(polling)];
    console.log(`      move→ack p50 at ${RTT_MS} ms RTT: websocket ${wsP50.toFixed(0)} ms, polling ${pollingP50.toFixed(0)} ms (${SAMPLES} moves each)`);
    assert.ok(pollingP50 <= POLLING_P50_RATIO_MAX * wsP50, `polling ${pollingP50.toFixed(0)} ms vs websocket ${wsP50.toFixed(0)} ms`);
  });
});
