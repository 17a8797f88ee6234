/**
 * Probe clients: the few bots of a step that decode what they receive and measure latency.
 * The rest of the bots only count bytes (rawClient.ts).
 */
import { unpack } from "@colyseus/msgpackr";
import { decode } from "@colyseus/schema";
import { Client, Protocol } from "colyseus.js";
import type WebSocket from "ws";
import { onMessage, send, type GameRoom } from "../../client/rooms";
import { ClientMessage, ServerMessage, type ChatLine } from "../../server/shared/protocol";
import { RawClient } from "./rawClient";

/** Samples and counters shared by every probe of the bots process; reset when measuring starts. */
export class ProbeTally {
  measuring = false;
  ackMs: number[] = [];
  chatMs: number[] = [];
  patchBytes = 0;
  movedPlayers = 0;
  /** Patches seen by the first probe only, to give the patch rate. */
  patchesSeenByFirst = 0;
  refusals = 0;

  reset() {
    this.ackMs = [];
    this.chatMs = [];
    this.patchBytes = 0;
    this.movedPlayers = 0;
    this.patchesSeenByFirst = 0;
    this.refusals = 0;
  }
}

/** A battle player that can move and tell how many of its moves await an acknowledgement. */
export interface Mover {
  move(dx: number, dy: number): void;
  unacked(olderThanMs: number): number;
  bytesIn(): number;
  close(): void;
}

interface Pending {
  seq: number;
  sentAt: number;
}

/** Tracks sent seqs and turns acknowledgements (lastInput >= seq) into latency samples. */
class AckClock {
  private pending: Pending[] = [];
  private seq = 0;

  constructor(private readonly tally: ProbeTally) {}

  next(): number {
    this.seq += 1;
    this.pending.push({ seq: this.seq, sentAt: performance.now() });
    return this.seq;
  }

  acknowledge(lastInput: number) {
    const now = performance.now();
    while (this.pending.length > 0 && this.pending[0].seq <= lastInput) {
      const { sentAt } = this.pending.shift()!;
      if (this.tally.measuring) this.tally.ackMs.push(now - sentAt);
    }
  }

  unacked(olderThanMs: number): number {
    const cutoff = performance.now() - olderThanMs;
    return this.pending.filter((p) => p.sentAt < cutoff).length;
  }
}

/** Our server: a colyseus.js client that decodes every patch. */
export async function colyseusBattleProbe(
  endpoint: string,
  join: (client: Client) => Promise<GameRoom<"battle">>,
  tally: ProbeTally,
  first: boolean,
  onDrop: () => void,
): Promise<Mover> {
  const room = await join(new Client(endpoint));
  for (const type of Object.values(ServerMessage)) room.onMessage(type, () => {});
  onMessage(room, ServerMessage.error, () => (tally.refusals += 1));
  const acks = new AckClock(tally);
  const lastSpot = new Map<string, number>();
  let bytes = 0;
  let leaving = false;

  // colyseus.js decodes in the socket's onmessage; a listener added now runs after it, on the new state.
  const socket = (room.connection.transport as unknown as { ws: WebSocket }).ws;
  socket.addEventListener("message", (event) => {
    const frame = new Uint8Array(event.data as ArrayBuffer);
    bytes += frame.byteLength;
    if (frame[0] !== Protocol.ROOM_STATE_PATCH && frame[0] !== Protocol.ROOM_STATE) return;
    const players = (room.state as { players?: Map<string, { x: number; y: number; lastInput: number }> }).players;
    if (!players) return;
    const me = players.get(room.sessionId);
    if (me) acks.acknowledge(me.lastInput);
    let moved = 0;
    for (const [id, player] of players) {
      // With INTEREST_MANAGEMENT a player out of view has no position: it did not move for this probe.
      if (player.x === undefined) continue;
      const spot = player.x * 65536 + player.y;
      if (lastSpot.get(id) !== spot) {
        lastSpot.set(id, spot);
        moved += 1;
      }
    }
    if (tally.measuring && frame[0] === Protocol.ROOM_STATE_PATCH) {
      if (moved > 0) {
        tally.patchBytes += frame.byteLength;
        tally.movedPlayers += moved;
      }
      if (first) tally.patchesSeenByFirst += 1;
    }
  });
  room.onLeave(() => {
    if (!leaving) onDrop();
  });

  return {
    move(dx, dy) {
      send(room, ClientMessage.move, { dx, dy, seq: acks.next() });
    },
    unacked: (ms) => acks.unacked(ms),
    bytesIn: () => bytes,
    close() {
      leaving = true;
      void room.leave();
    },
  };
}

/** One record of the baseline's hand-made patch: index u16, x u16, y u16, lastInput u32 (little endian). */
export const BASELINE_RECORD_BYTES = 10;

/** The baseline server: a raw client that reads the baseline's patch records for its own lastInput. */
export function baselineBattleProbe(client: RawClient, tally: ProbeTally, first: boolean) {
  const myIndex = Number(client.sessionId);
  const acks = new AckClock(tally);
  const onFrame = (code: number, bytes: number, frame: Buffer) => {
    if (code !== Protocol.ROOM_STATE_PATCH) return;
    const records = (bytes - 1) / BASELINE_RECORD_BYTES;
    for (let offset = 1; offset < bytes; offset += BASELINE_RECORD_BYTES) {
      if (frame.readUInt16LE(offset) === myIndex) acks.acknowledge(frame.readUInt32LE(offset + 6));
    }
    if (tally.measuring && records > 0) {
      tally.patchBytes += bytes;
      tally.movedPlayers += records;
      if (first) tally.patchesSeenByFirst += 1;
    }
  };
  return { acks, onFrame };
}

export { AckClock };

/** The text of a timed chat line: the bench's marker and a number the sender timed. */
const CHAT_MARK = "bench ";

export const chatText = (nonce: number) => `${CHAT_MARK}${nonce}`;

/** Reads a ROOM_DATA frame's type; the payload starts at `it.offset` afterwards. */
export function roomDataType(frame: Buffer, it: { offset: number }): string | number {
  return decode.stringCheck(frame, it) ? decode.string(frame, it) : decode.number(frame, it);
}

/** Chat (both servers send ROOM_DATA + msgpack): decodes each line and times the bench's own. */
export function chatProbeFrame(sentAt: Map<number, number>, tally: ProbeTally) {
  return (code: number, _bytes: number, frame: Buffer) => {
    if (code !== Protocol.ROOM_DATA) return;
    const it = { offset: 1 };
    const type = roomDataType(frame, it);
    if (type !== ServerMessage.chat) return;
    const line = unpack(frame.subarray(it.offset)) as ChatLine;
    if (!line.text.startsWith(CHAT_MARK)) return;
    const sent = sentAt.get(Number(line.text.slice(CHAT_MARK.length)));
    if (sent !== undefined && tally.measuring) tally.chatMs.push(performance.now() - sent);
  };
}
