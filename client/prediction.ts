/**
 * Client-side prediction of the own player: every input sent is applied at once with the very
 * `applyMove` the server's tick runs, and on every patch the prediction restarts from the server's
 * position and replays the inputs the server has not applied yet (seq > lastInput). However many
 * moves the server applies in one tick, each is one `applyMove`, so the replay stays exact.
 * Pure: no DOM, no clock, no network, so it is tested without a browser.
 */
import { applyMove, type Direction, type MapSize, type Point, type Walker } from "../server/shared/game";
import { MAX_QUEUED_MOVES } from "../server/shared/tuning";
import type { MovePayload } from "../server/shared/payloads";

/** What a patch says about the own player. */
export interface Authority extends Point {
  alive: boolean;
  lastInput: number;
}

export class Predictor {
  /** Sent and not yet acknowledged, oldest first. */
  private pending: MovePayload[] = [];
  private lastSeq = 0;
  private predicted: Walker | null = null;

  /** The predicted position, or null before the first patch. */
  get position(): Point | null {
    return this.predicted && { x: this.predicted.x, y: this.predicted.y };
  }

  get unacknowledged(): number {
    return this.pending.length;
  }

  /**
   * Whether another move may go out now. The server queues at most MAX_QUEUED_MOVES; a client
   * that far ahead waits instead of having moves refused.
   */
  canSend(): boolean {
    return this.predicted !== null && this.pending.length < MAX_QUEUED_MOVES;
  }

  /** Records one tick of input, moves the prediction, and returns the `move` to send. */
  input(dir: Direction, map: MapSize): MovePayload {
    const move: MovePayload = { dx: dir.dx, dy: dir.dy, seq: ++this.lastSeq };
    this.pending.push(move);
    if (this.predicted) applyMove(this.predicted, move, map);
    return move;
  }

  /** Resets to the server's word and replays what it has not applied yet. */
  reconcile(server: Authority, map: MapSize): Point {
    this.pending = this.pending.filter((move) => move.seq > server.lastInput);
    const body: Walker = { x: server.x, y: server.y, alive: server.alive };
    for (const move of this.pending) applyMove(body, move, map);
    this.predicted = body;
    return { x: body.x, y: body.y };
  }
}
