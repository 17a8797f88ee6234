/**
 * Draws the battle's effects (client/effects.ts) in CSS pixels. With reduced motion nothing sweeps,
 * flies or floats: the same events show as short, still marks that fade.
 */
import { progress, type Effect, type EffectKind } from "./effects";

export interface EffectView {
  ctx: CanvasRenderingContext2D;
  now: number;
  reducedMotion: boolean;
  /** Screen pixels per world unit. */
  scale: number;
  /** Radius bodies are drawn with (CSS pixels). */
  radius: number;
  /** Where the effect's player is drawn now, or null (then the effect's own x, y is used). */
  at(effect: Effect): { x: number; y: number; colour: string };
  /** Words drawn on the canvas (the damage number), from the catalogs. */
  damageText(amount: number): string;
  /** Counts one effect actually drawn (the frame report the tests read). */
  drawn(kind: EffectKind): void;
  /** Counts one effect drawn in motion (a sweep, flying shards, a rising number): none with reduced motion. */
  moved(): void;
}

const easeOut = (t: number) => 1 - (1 - t) * (1 - t);
/** Share of a full turn the swing's bright trail covers. */
const SWING_TRAIL_RAD = 1.4;
const SHARDS = 7;
/** How far a death's shards fly, a hit's ring grows, a respawn's ring starts out and a damage number rises (CSS pixels). */
const SHARD_FLIGHT_PX = 34;
const HIT_RING_GROWTH_PX = 10;
const RESPAWN_RING_START_PX = 30;
const DAMAGE_RISE_PX = 26;

/** Effects under the bodies: the attack's swing over its real range. */
export function drawSwings(view: EffectView, effects: readonly Effect[], rangeUnits: number): void {
  const { ctx, now } = view;
  const radius = rangeUnits * view.scale;
  for (const effect of effects) {
    if (effect.kind !== "swing") continue;
    const t = progress(effect, now);
    const { x, y } = view.at(effect);
    // The whole reach, faint: an attack hits everyone inside it.
    ctx.beginPath();
    ctx.arc(x, y, radius, 0, Math.PI * 2);
    ctx.fillStyle = `rgba(255, 200, 80, ${(effect.mine ? 0.16 : 0.1) * (1 - t)})`;
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = `rgba(255, 200, 80, ${0.6 * (1 - t)})`;
    ctx.stroke();
    if (!view.reducedMotion) {
      // A blade sweeping one full turn from where the attacker faces.
      const lead = effect.angle + 2 * Math.PI * easeOut(t);
      ctx.beginPath();
      ctx.arc(x, y, radius * 0.93, Math.max(effect.angle, lead - SWING_TRAIL_RAD), lead);
      ctx.lineWidth = Math.max(3, radius * 0.1);
      ctx.lineCap = "round";
      ctx.strokeStyle = `rgba(255, 236, 170, ${0.9 * (1 - t * t)})`;
      ctx.stroke();
      ctx.lineCap = "butt";
      view.moved();
    }
    view.drawn("swing");
  }
}

/** Effects over the bodies: hit bursts, deaths, respawns and damage numbers. */
export function drawOverlays(view: EffectView, effects: readonly Effect[]): void {
  const { ctx, now, reducedMotion } = view;
  const r = view.radius;
  // One number per player, its newest: in a brawl older ones would only stack into a smear.
  const newestDamage = new Map<string, Effect>();
  for (const effect of effects) if (effect.kind === "damage") newestDamage.set(effect.playerId, effect);
  ctx.font = "bold 15px system-ui, sans-serif";
  for (const effect of effects) {
    if (effect.kind === "damage" && newestDamage.get(effect.playerId) !== effect) continue;
    const t = progress(effect, now);
    if (!reducedMotion && effect.kind !== "swing") view.moved();
    switch (effect.kind) {
      case "swing":
        continue;
      case "hit": {
        const { x, y } = view.at(effect);
        ctx.beginPath();
        ctx.arc(x, y, r + (reducedMotion ? 4 : 4 + HIT_RING_GROWTH_PX * easeOut(t)), 0, Math.PI * 2);
        ctx.lineWidth = 3;
        ctx.strokeStyle = `rgba(255, 90, 90, ${1 - t})`;
        ctx.stroke();
        break;
      }
      case "death": {
        const { x, y, colour } = view.at(effect);
        ctx.globalAlpha = 1 - t;
        ctx.fillStyle = colour;
        ctx.beginPath();
        if (reducedMotion) {
          // A still cross where the player fell.
          ctx.rect(x - r, y - 2, 2 * r, 4);
          ctx.rect(x - 2, y - r, 4, 2 * r);
        } else {
          for (let i = 0; i < SHARDS; i++) {
            const angle = effect.angle + (i * 2 * Math.PI) / SHARDS;
            const out = r * 0.5 + SHARD_FLIGHT_PX * easeOut(t);
            const sx = x + out * Math.cos(angle);
            const sy = y + out * Math.sin(angle);
            ctx.moveTo(sx + 5 * Math.cos(angle), sy + 5 * Math.sin(angle));
            ctx.lineTo(sx + 4 * Math.cos(angle + 2.3), sy + 4 * Math.sin(angle + 2.3));
            ctx.lineTo(sx + 4 * Math.cos(angle - 2.3), sy + 4 * Math.sin(angle - 2.3));
            ctx.closePath();
          }
        }
        ctx.fill();
        ctx.globalAlpha = 1;
        break;
      }
      case "respawn": {
        const { x, y } = view.at(effect);
        ctx.beginPath();
        ctx.arc(x, y, reducedMotion ? r + 6 : r + 4 + RESPAWN_RING_START_PX * (1 - easeOut(t)), 0, Math.PI * 2);
        ctx.lineWidth = 3;
        ctx.strokeStyle = `rgba(140, 220, 255, ${1 - t})`;
        ctx.stroke();
        break;
      }
      case "damage": {
        const { x, y } = view.at(effect);
        const rise = reducedMotion ? 0 : DAMAGE_RISE_PX * easeOut(t);
        // Beside the body, clear of the name above it, rising from there.
        ctx.textAlign = "left";
        ctx.textBaseline = "bottom";
        ctx.globalAlpha = 1 - t * t;
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(11, 14, 20, 0.85)";
        const text = view.damageText(effect.amount);
        const bottom = y - 2 - rise;
        ctx.strokeText(text, x + r + 5, bottom);
        // Red for HP the own player lost, gold for HP taken from others.
        ctx.fillStyle = effect.mine ? "#ff6b6b" : "#ffd54a";
        ctx.fillText(text, x + r + 5, bottom);
        ctx.globalAlpha = 1;
        break;
      }
    }
    view.drawn(effect.kind);
  }
}
