/**
 * Players on the canvas, in CSS pixels: bodies in their look's shape and colour, a nose that shows
 * the facing, HP bars, and the marks of the own player and of low HP. Bodies of one colour share one
 * path and one fill (a crowd of 200 costs a few dozen draw calls, not a thousand).
 */
import { ATTACK_RANGE, MAX_HP } from "../server/shared/tuning";
import type { Look, Shape } from "./look";

/** A player as the renderer places it on screen. */
export interface ScreenPlayer {
  id: string;
  /** Centre on screen (CSS pixels). */
  x: number;
  y: number;
  facing: number;
  hp: number;
  alive: boolean;
  me: boolean;
  look: Look;
  /** 0..1: how white the hit flash still is. */
  flash: number;
}

/** Bounds of a body's radius on screen (CSS pixels). */
export const BODY_RADIUS_MAX_PX = 13;
export const BODY_RADIUS_MIN_PX = 8;
/** A body's radius as a share of the attack's reach on screen, while within the bounds. */
const BODY_SHARE_OF_RANGE = 0.17;

/**
 * The radius bodies are drawn with at `pxPerUnit` CSS pixels per world unit: on a phone the whole map
 * is small and fixed-size bodies would bury who is within reach of whom; on a desktop they stay 13 px.
 */
export function bodyRadius(pxPerUnit: number): number {
  return Math.min(BODY_RADIUS_MAX_PX, Math.max(BODY_RADIUS_MIN_PX, ATTACK_RANGE * pxPerUnit * BODY_SHARE_OF_RANGE));
}
/** HP at or below this share of MAX_HP is "low": a red bar and a red ring round the body. */
export const LOW_HP_SHARE = 0.3;
export const HP_BAR_WIDTH_PX = 30;
export const HP_BAR_HEIGHT_PX = 4;
/** Gap between the body's top and the HP bar's bottom. */
export const HP_BAR_GAP_PX = 5;
/** Pulses of the low-HP ring per second (none with reduced motion). */
const LOW_HP_PULSE_HZ = 2;

export const isLowHp = (hp: number) => hp > 0 && hp <= MAX_HP * LOW_HP_SHARE;

/** Corner angles of the polygon shapes, the first pointing up. */
const POLYGONS: Partial<Record<Shape, { corners: number; size: number; turn: number }>> = {
  triangle: { corners: 3, size: 1.25, turn: -Math.PI / 2 },
  square: { corners: 4, size: 1.2, turn: Math.PI / 4 },
  diamond: { corners: 4, size: 1.25, turn: -Math.PI / 2 },
  pentagon: { corners: 5, size: 1.1, turn: -Math.PI / 2 },
  hexagon: { corners: 6, size: 1.08, turn: 0 },
};

/** Adds the outline of `shape` at (x, y) to the current path (its own subpath). */
export function traceShape(ctx: CanvasRenderingContext2D, shape: Shape, x: number, y: number, r: number): void {
  const polygon = POLYGONS[shape];
  if (!polygon) {
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, Math.PI * 2);
    return;
  }
  // Polygons a little larger than the circle, so every shape covers about the same area.
  const size = r * polygon.size;
  for (let i = 0; i < polygon.corners; i++) {
    const angle = polygon.turn + (i * 2 * Math.PI) / polygon.corners;
    const px = x + size * Math.cos(angle);
    const py = y + size * Math.sin(angle);
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
  ctx.closePath();
}

/** Draws every body, the noses, the flashes and the own player's ring. */
export function drawBodies(ctx: CanvasRenderingContext2D, players: readonly ScreenPlayer[], r: number, now: number, reducedMotion: boolean): number {
  // The dead first and faint: a grey ghost where they fell.
  ctx.beginPath();
  for (const p of players) if (!p.alive) traceShape(ctx, p.look.shape, p.x, p.y, r * 0.8);
  ctx.fillStyle = "rgba(120, 128, 145, 0.35)";
  ctx.fill();

  const byColour = new Map<string, ScreenPlayer[]>();
  for (const p of players) {
    if (!p.alive) continue;
    const group = byColour.get(p.look.colour);
    if (group) group.push(p);
    else byColour.set(p.look.colour, [p]);
  }
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = "rgba(11, 14, 20, 0.9)";
  for (const [colour, group] of byColour) {
    ctx.beginPath();
    for (const p of group) traceShape(ctx, p.look.shape, p.x, p.y, r);
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.stroke();
  }

  // Noses: a light chevron just outside the body, pointing where the player faces.
  ctx.beginPath();
  for (const p of players) {
    if (!p.alive) continue;
    const tip = r + r * 0.55;
    const side = 0.42;
    ctx.moveTo(p.x + tip * Math.cos(p.facing), p.y + tip * Math.sin(p.facing));
    ctx.lineTo(p.x + (r + 1) * Math.cos(p.facing + side), p.y + (r + 1) * Math.sin(p.facing + side));
    ctx.lineTo(p.x + (r + 1) * Math.cos(p.facing - side), p.y + (r + 1) * Math.sin(p.facing - side));
    ctx.closePath();
  }
  ctx.fillStyle = "#f4f6fb";
  ctx.fill();

  let lowHp = 0;
  ctx.beginPath();
  for (const p of players) {
    if (!p.alive || !isLowHp(p.hp)) continue;
    lowHp++;
    const pulse = reducedMotion ? 0 : 0.5 + 0.5 * Math.sin((now / 1000) * LOW_HP_PULSE_HZ * 2 * Math.PI);
    const ring = r + 4 + 2 * pulse;
    ctx.moveTo(p.x + ring, p.y);
    ctx.arc(p.x, p.y, ring, 0, Math.PI * 2);
  }
  ctx.strokeStyle = "rgba(255, 82, 82, 0.85)";
  ctx.lineWidth = 2.5;
  ctx.stroke();

  for (const p of players) {
    if (p.flash <= 0 || !p.alive) continue;
    ctx.beginPath();
    traceShape(ctx, p.look.shape, p.x, p.y, r);
    // Reduced motion keeps the flash softer: no full-white blink.
    ctx.fillStyle = `rgba(255, 255, 255, ${(reducedMotion ? 0.5 : 0.95) * p.flash})`;
    ctx.fill();
  }

  const me = players.find((p) => p.me && p.alive);
  if (me) {
    ctx.beginPath();
    traceShape(ctx, me.look.shape, me.x, me.y, r + 3.5);
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 3;
    ctx.stroke();
  }
  return lowHp;
}

/** HP bars above the living: a dark track, then the HP in green, or red when low. */
export function drawHpBars(ctx: CanvasRenderingContext2D, players: readonly ScreenPlayer[], r: number): void {
  const top = (p: ScreenPlayer) => p.y - r - HP_BAR_GAP_PX - HP_BAR_HEIGHT_PX;
  ctx.beginPath();
  for (const p of players) if (p.alive) ctx.rect(p.x - HP_BAR_WIDTH_PX / 2, top(p), HP_BAR_WIDTH_PX, HP_BAR_HEIGHT_PX);
  ctx.fillStyle = "#3a0d0d";
  ctx.fill();
  for (const low of [false, true]) {
    ctx.beginPath();
    for (const p of players) {
      if (!p.alive || isLowHp(p.hp) !== low) continue;
      ctx.rect(p.x - HP_BAR_WIDTH_PX / 2, top(p), (HP_BAR_WIDTH_PX * Math.max(0, p.hp)) / MAX_HP, HP_BAR_HEIGHT_PX);
    }
    ctx.fillStyle = low ? "#ff5252" : "#5ad65a";
    ctx.fill();
  }
}

/** Where a player's label sits: its bottom centre, just above the HP bar (CSS pixels). */
export function labelAnchor(p: ScreenPlayer, r: number): { x: number; y: number } {
  return { x: p.x, y: p.y - r - HP_BAR_GAP_PX - HP_BAR_HEIGHT_PX - 3 };
}
