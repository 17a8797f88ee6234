/** Draws the battle on a canvas that fills its box: the whole map, or a camera on the own player and a minimap. */
import { ATTACK_RANGE, MAX_HP } from "../server/shared/tuning";
import { clamp, type MapSize } from "../server/shared/game";
import { camera, type Camera } from "./camera";

export interface DrawnPlayer {
  id: string;
  name: string;
  x: number;
  y: number;
  hp: number;
  alive: boolean;
  me: boolean;
}

export interface Effect {
  x: number;
  y: number;
  /** Local time (ms) the attack was heard. */
  start: number;
}

export interface Scene {
  map: MapSize;
  players: DrawnPlayer[];
  effects: Effect[];
  /** sessionId -> local time the player was last hit, for a flash. */
  hitAt: Map<string, number>;
  now: number;
}

/** How long an attack ring and a hit flash stay visible. */
export const EFFECT_MS = 300;
const PLAYER_RADIUS = 14;
/** Room around the map for the name and HP bar of a player on its edge. */
const MARGIN_PX = 40;
/** Longer side of the minimap, CSS pixels, and its distance from the canvas corner. */
const MINIMAP_PX = 160;
const MINIMAP_INSET_PX = 12;

export class Renderer {
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext("2d")!;
  }

  draw(scene: Scene): void {
    const { canvas, ctx } = this;
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = canvas.clientWidth;
    const cssHeight = canvas.clientHeight;
    if (canvas.width !== Math.round(cssWidth * dpr) || canvas.height !== Math.round(cssHeight * dpr)) {
      canvas.width = Math.round(cssWidth * dpr);
      canvas.height = Math.round(cssHeight * dpr);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#10131a";
    ctx.fillRect(0, 0, canvas.width, canvas.height);

    const me = scene.players.find((p) => p.me) ?? null;
    const view = camera(scene.map, { width: cssWidth, height: cssHeight }, me, MARGIN_PX);
    const { scale, left, top } = view;
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * left, dpr * top);
    const px = 1 / scale; // one CSS pixel in world units

    this.drawGround(scene.map, px);
    for (const effect of scene.effects) this.drawAttack(effect, scene.now, px);
    // The own player last, so it is never hidden.
    const ordered = [...scene.players].sort((a, b) => Number(a.me) - Number(b.me));
    // Visible world x range, so a name near the left or right edge is shifted inside.
    const visible = { min: -left * px, max: (cssWidth - left) * px };
    for (const player of ordered) this.drawPlayer(player, scene, px, visible);
    if (view.follows) this.drawMinimap(scene, view, { width: cssWidth, height: cssHeight }, dpr);
  }

  /** The whole map in a corner: players in view as dots, the own one brighter, the screen as a frame. */
  private drawMinimap(scene: Scene, view: Camera, screen: { width: number; height: number }, dpr: number): void {
    const { ctx } = this;
    const { map } = scene;
    const k = MINIMAP_PX / Math.max(map.width, map.height);
    const x0 = screen.width - MINIMAP_INSET_PX - map.width * k;
    const y0 = screen.height - MINIMAP_INSET_PX - map.height * k;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "rgba(16, 19, 26, 0.85)";
    ctx.fillRect(x0, y0, map.width * k, map.height * k);
    ctx.strokeStyle = "#4a5878";
    ctx.lineWidth = 1;
    ctx.strokeRect(x0, y0, map.width * k, map.height * k);
    for (const player of scene.players) {
      ctx.fillStyle = player.me ? "#4fc3f7" : "#f0a35e";
      const r = player.me ? 2.5 : 1.5;
      ctx.fillRect(x0 + player.x * k - r, y0 + player.y * k - r, 2 * r, 2 * r);
    }
    ctx.strokeStyle = "rgba(255, 255, 255, 0.6)";
    ctx.strokeRect(x0 + (-view.left / view.scale) * k, y0 + (-view.top / view.scale) * k, (screen.width / view.scale) * k, (screen.height / view.scale) * k);
  }

  private drawGround(map: MapSize, px: number): void {
    const { ctx } = this;
    ctx.fillStyle = "#1b2130";
    ctx.fillRect(0, 0, map.width, map.height);
    ctx.strokeStyle = "#263049";
    ctx.lineWidth = px;
    ctx.beginPath();
    for (let v = 100; v < map.width; v += 100) {
      ctx.moveTo(v, 0);
      ctx.lineTo(v, map.height);
    }
    for (let v = 100; v < map.height; v += 100) {
      ctx.moveTo(0, v);
      ctx.lineTo(map.width, v);
    }
    ctx.stroke();
    ctx.strokeStyle = "#4a5878";
    ctx.lineWidth = 2 * px;
    ctx.strokeRect(0, 0, map.width, map.height);
  }

  private drawAttack(effect: Effect, now: number, px: number): void {
    const t = (now - effect.start) / EFFECT_MS;
    if (t < 0 || t > 1) return;
    const { ctx } = this;
    ctx.beginPath();
    ctx.arc(effect.x, effect.y, ATTACK_RANGE * (0.3 + 0.7 * t), 0, Math.PI * 2);
    ctx.strokeStyle = `rgba(255, 200, 80, ${1 - t})`;
    ctx.lineWidth = 4 * px;
    ctx.stroke();
    ctx.fillStyle = `rgba(255, 200, 80, ${0.25 * (1 - t)})`;
    ctx.fill();
  }

  private drawPlayer(player: DrawnPlayer, scene: Scene, px: number, visible: { min: number; max: number }): void {
    const { ctx } = this;
    const r = PLAYER_RADIUS * px;
    ctx.globalAlpha = player.alive ? 1 : 0.35;
    const hit = scene.now - (scene.hitAt.get(player.id) ?? -Infinity) < EFFECT_MS;
    ctx.beginPath();
    ctx.arc(player.x, player.y, r, 0, Math.PI * 2);
    ctx.fillStyle = hit ? "#ff5a5a" : player.me ? "#4fc3f7" : "#f0a35e";
    ctx.fill();
    if (player.me) {
      // The own player wears a white ring and shows its attack range.
      ctx.lineWidth = 3 * px;
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(player.x, player.y, ATTACK_RANGE, 0, Math.PI * 2);
      ctx.lineWidth = px;
      ctx.strokeStyle = "rgba(79, 195, 247, 0.35)";
      ctx.stroke();
    }

    const barWidth = 40 * px;
    const barHeight = 5 * px;
    const barTop = player.y - r - 10 * px;
    ctx.fillStyle = "#3a0d0d";
    ctx.fillRect(player.x - barWidth / 2, barTop, barWidth, barHeight);
    ctx.fillStyle = player.hp > MAX_HP * 0.3 ? "#5ad65a" : "#e04a4a";
    ctx.fillRect(player.x - barWidth / 2, barTop, (barWidth * player.hp) / MAX_HP, barHeight);

    ctx.font = `${(player.me ? 13 : 12) * px}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillStyle = player.me ? "#ffffff" : "#d8dee9";
    const label = player.me ? `${player.name} (you)` : player.name;
    const half = ctx.measureText(label).width / 2 + 2 * px;
    ctx.fillText(label, clamp(player.x, visible.min + half, visible.max - half), barTop - 3 * px);
    ctx.globalAlpha = 1;
  }
}
