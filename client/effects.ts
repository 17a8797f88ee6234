/**
 * The short effects of a battle (an attack's swing, a hit, a damage number, a death, a respawn),
 * made only from what the server says: its `attacked` message and changes of a player's HP and
 * `alive` in the state. The client applies no rule of its own. Each effect is tied to a player, so
 * it is drawn where that player is drawn (interpolated or gliding). Pure: time is passed in.
 */
import type { PlayerState } from "./state";

export type EffectKind = "swing" | "hit" | "damage" | "death" | "respawn";

/** How long each effect lasts. */
export const EFFECT_DURATION_MS: Readonly<Record<EffectKind, number>> = {
  swing: 280,
  hit: 220,
  damage: 900,
  death: 700,
  respawn: 600,
};

export interface Effect {
  kind: EffectKind;
  /** Local time (ms) the effect began. */
  start: number;
  /** The player it is drawn on. */
  playerId: string;
  /** Where to draw it if that player is not drawn (world units). */
  x: number;
  y: number;
  /** swing: heading (radians) the sweep starts from. */
  angle: number;
  /** damage: HP lost. */
  amount: number;
  /** Whether the own player caused it or suffers it (drawn stronger). */
  mine: boolean;
}

/** Effects alive at once; beyond this the oldest go first (a 2000-player brawl stays bounded). */
export const MAX_EFFECTS = 600;

export class Effects {
  private list: Effect[] = [];

  add(effect: Effect): void {
    this.list.push(effect);
    if (this.list.length > MAX_EFFECTS) this.list.splice(0, this.list.length - MAX_EFFECTS);
  }

  /** The effects still running at `now`, oldest first; finished ones are dropped. */
  live(now: number): readonly Effect[] {
    if (this.list.some((effect) => now - effect.start >= EFFECT_DURATION_MS[effect.kind])) {
      this.list = this.list.filter((effect) => now - effect.start < EFFECT_DURATION_MS[effect.kind]);
    }
    return this.list;
  }

  clear(): void {
    this.list = [];
  }
}

/** How far along `effect` is at `now`: 0 at its start, 1 at its end. */
export function progress(effect: Effect, now: number): number {
  return Math.min(1, Math.max(0, (now - effect.start) / EFFECT_DURATION_MS[effect.kind]));
}

/** What a change of one player's synchronised state shows: HP lost, a death, a respawn. */
export type StateChange = { kind: "damage"; amount: number } | { kind: "death" } | { kind: "respawn" };

/**
 * The visible changes between two states of a player. Only players in view count: out of view the
 * fields are stale, and coming into view is not an event.
 */
export function stateChanges(before: PlayerState | undefined, after: PlayerState): StateChange[] {
  if (!before || !before.inView || !after.inView) return [];
  const changes: StateChange[] = [];
  if (after.hp < before.hp) changes.push({ kind: "damage", amount: before.hp - after.hp });
  if (before.alive && !after.alive) changes.push({ kind: "death" });
  if (!before.alive && after.alive) changes.push({ kind: "respawn" });
  return changes;
}
