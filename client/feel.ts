/**
 * Turns what the server says into effects and sound cues: its `attacked` and `kill` messages and
 * the changes of HP and `alive` in the state. Decides nothing about the game: who was hit, who
 * died and by how much all come from the server.
 */
import type { AttackedEvent, KillEvent } from "../server/shared/payloads";
import { Effects, stateChanges, type EffectKind } from "./effects";
import type { Facing } from "./facing";
import type { Cue } from "./sound";
import type { PlayerState } from "./state";

export class BattleFeel {
  readonly effects = new Effects();

  /** `play`: a sound cue (the caller decides whether sound is on). */
  constructor(
    private readonly meId: string,
    private readonly facing: Facing,
    private readonly play: (cue: Cue) => void,
  ) {}

  /** Someone attacked: a swing round the attacker, a hit on each player the server says it hit. */
  attacked(event: AttackedEvent, players: ReadonlyMap<string, PlayerState>, now: number): void {
    const mine = event.by === this.meId;
    this.add("swing", event.by, { x: event.x, y: event.y }, now, { angle: this.facing.of(event.by), mine });
    for (const id of event.hits) this.add("hit", id, players.get(id) ?? event, now, { mine: mine || id === this.meId });
    if ((mine && event.hits.length > 0) || event.hits.includes(this.meId)) this.play("hit");
  }

  /** A patch changed a player: HP lost shows as a number, a death and a respawn as their effects. */
  changed(id: string, before: PlayerState | undefined, after: PlayerState, now: number): void {
    const mine = id === this.meId;
    for (const change of stateChanges(before, after)) {
      if (change.kind === "damage") this.add("damage", id, after, now, { amount: change.amount, mine });
      else this.add(change.kind, id, after, now, { angle: this.facing.of(id), mine });
      if (mine && change.kind === "respawn") this.play("respawn");
    }
  }

  /** The kill feed's event: a cue when the own player is on either side of it. */
  killed(event: KillEvent): void {
    if (event.killer === this.meId || event.victim === this.meId) this.play("death");
  }

  private add(kind: EffectKind, playerId: string, at: { x: number; y: number }, now: number, extra: { angle?: number; amount?: number; mine: boolean }): void {
    this.effects.add({ kind, start: now, playerId, x: at.x, y: at.y, angle: extra.angle ?? 0, amount: extra.amount ?? 0, mine: extra.mine });
  }
}
