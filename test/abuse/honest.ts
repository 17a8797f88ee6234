/**
 * The honest players of the abuse suite: one moving in a private battle room of its own (no attack
 * lands there by matchmaking) and two chat members, one talking, one listening. They measure what
 * an attack does to everyone else: patches per second, move→ack latency, chat lines lost or doubled.
 */
import { Client, type Room } from "colyseus.js";
import { ClientMessage, RoomName, ServerMessage } from "../../server/shared/protocol";
import { onMessage, send } from "../../client/rooms";
import { hearAll, sdkOf } from "../helpers/rooms";
import { eventually } from "../helpers/wait";

/** The honest player moves this often: below one move per tick, so no move waits in its queue. */
const MOVE_EVERY_MS = 100;
/** The honest member talks this often, within the chat rate limit (1 line/s). */
const TALK_EVERY_MS = 1000;
/** Longest the listener may take to hear the last lines after the attack. */
const LAST_LINES_WAIT_MS = 3000;

export interface HonestFigures {
  patchesPerSecond: number;
  /** Median move→ack latency, ms (null when no move was acknowledged). */
  moveAckP50Ms: number | null;
  chatLinesSent: number;
  chatLinesLost: number;
  chatLinesDoubled: number;
}

export interface Honest {
  /** Starts a measurement window (one scenario). */
  start(): void;
  /** Ends the window and returns its figures. */
  stop(): Promise<HonestFigures>;
  leave(): Promise<void>;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export async function joinHonest(wsUrl: string, window: string): Promise<Honest> {
  const client = sdkOf(new Client(wsUrl));
  const battle = hearAll(await client.create(RoomName.battle, { name: "Honest", private: true }));
  // Channel names are at most 32 characters of a-z, 0-9, '-' and '_'.
  const channel = `honest-${window}`.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 32);
  const talker = hearAll(await client.joinOrCreate(RoomName.chat, { channel, name: "Talker" }));
  const listener = hearAll(await client.joinOrCreate(RoomName.chat, { channel, name: "Listener" }));

  let patches = 0;
  let startedAt = 0;
  let seq = 0;
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  battle.onStateChange((state) => {
    patches++;
    const acked = state.players.get(battle.sessionId)?.lastInput ?? 0;
    for (const [s, at] of sentAt) {
      if (s > acked) continue;
      latencies.push(performance.now() - at);
      sentAt.delete(s);
    }
  });

  const heard = new Map<string, number>();
  let said: string[] = [];
  onMessage(listener, ServerMessage.chat, (line) => {
    if (line.text.startsWith("honest ")) heard.set(line.text, (heard.get(line.text) ?? 0) + 1);
  });

  let timers: NodeJS.Timeout[] = [];
  let round = 0;
  return {
    start() {
      patches = 0;
      latencies.length = 0;
      sentAt.clear();
      heard.clear();
      said = [];
      round++;
      startedAt = performance.now();
      let direction = 1;
      timers = [
        setInterval(() => {
          seq++;
          // Back and forth: never stuck against the map's edge.
          if (seq % 20 === 0) direction = -direction;
          sentAt.set(seq, performance.now());
          send(battle, ClientMessage.move, { dx: direction, dy: 0, seq });
        }, MOVE_EVERY_MS),
        setInterval(() => {
          const text = `honest ${round}.${said.length}`;
          said.push(text);
          send(talker, ClientMessage.chat, { text });
        }, TALK_EVERY_MS),
      ];
    },
    async stop() {
      const seconds = (performance.now() - startedAt) / 1000;
      const patchesPerSecond = patches / seconds;
      const moveAckP50Ms = median(latencies);
      for (const timer of timers) clearInterval(timer);
      await eventually(() => said.every((text) => heard.has(text)), "the last honest lines", LAST_LINES_WAIT_MS).catch(() => {});
      return {
        patchesPerSecond,
        moveAckP50Ms,
        chatLinesSent: said.length,
        chatLinesLost: said.filter((text) => !heard.has(text)).length,
        chatLinesDoubled: [...heard.values()].reduce((sum, n) => sum + n - 1, 0),
      };
    },
    async leave() {
      await Promise.allSettled([battle, talker, listener].map((room: Room) => room.leave()));
    },
  };
}
