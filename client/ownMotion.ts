/**
 * The own player, predicted and drawn. Each move is predicted at once with the server's own step
 * (client/prediction.ts) and walked on screen at the display rate (client/glide.ts) towards the
 * prediction. A patch reconciles the prediction; the drawing is touched only when the reconciled
 * prediction differs from where the glide is going. So when the key is released the drawn player
 * stops exactly where the prediction stops: never past it, never pulled back to it.
 * Pure: time, the map and the server's word come in.
 */
import type { Direction, MapSize, Point } from "../server/shared/game";
import type { MovePayload } from "../server/shared/payloads";
import { Glide } from "./glide";
import { Predictor } from "./prediction";

/** What a patch says about the own player. */
export interface OwnState extends Point {
  alive: boolean;
}

export class OwnMotion {
  private readonly predictor = new Predictor();
  private readonly glide = new Glide();
  private lastAck = 0;
  private correctionCount = 0;

  /** Moves sent that the server has not acknowledged yet. */
  get pending(): number {
    return this.predictor.unacknowledged;
  }

  /** Patches that moved the living own player away from where it was predicted (0 when prediction is exact). */
  get corrections(): number {
    return this.correctionCount;
  }

  /** Where the prediction has the own player; null before the first patch. */
  get predicted(): Point | null {
    return this.predictor.position;
  }

  canSend(): boolean {
    return this.predictor.canSend();
  }

  /** Predicts one move at local time `now`, starts walking the drawing there, and returns the `move` to send. */
  move(dir: Direction, map: MapSize, now: number): MovePayload {
    const move = this.predictor.input(dir, map);
    this.glide.step(this.predictor.position!, now);
    return move;
  }

  /**
   * A patch: the server's position of the own player and the seq of its last applied move (`ack`,
   * undefined when the patch did not carry one). `wasAlive`: the player lived before this patch.
   */
  reconcile(own: OwnState, ack: number | undefined, wasAlive: boolean, map: MapSize): void {
    this.lastAck = ack ?? this.lastAck;
    const at = this.predictor.reconcile({ ...own, lastInput: this.lastAck }, map);
    const target = this.glide.target;
    // The server agrees with the prediction: the glide goes on undisturbed.
    if (target && target.x === at.x && target.y === at.y) return;
    // Only a living player's move is a misprediction; the first patch and a respawn just place it.
    if (target && wasAlive && own.alive) this.correctionCount += 1;
    this.glide.jump(at);
  }

  /** Where to draw the own player at local time `now`; null before the first patch. */
  at(now: number): Point | null {
    return this.glide.at(now);
  }
}
