/**
 * Draws the battle on a canvas that fills its box: the whole map, or a camera on the own player and
 * a minimap. The ground is drawn in world units; players, effects and labels in CSS pixels, so they
 * keep their size at any zoom. Each frame reports what it drew (`FrameReport`) for the tests.
 */
import { ATTACK_RANGE } from "../server/shared/tuning";
import type { MapSize } from "../server/shared/game";
import { bodyRadius, drawBodies, drawHpBars, labelAnchor, type ScreenPlayer } from "./bodies";
import { camera, type Camera } from "./camera";
import { EFFECT_DURATION_MS, type Effect, type EffectKind } from "./effects";
import { drawOverlays, drawSwings, type EffectView } from "./effectsDraw";
import { currentLanguage, t, type Language } from "./i18n";
import { labelAlpha, placeLabels, type LabelRequest } from "./labels";
import type { Looks } from "./look";

export interface DrawnPlayer {
  id: string;
  name: string;
  /** What its label says: the name, or the catalog's "{name} (you)" for the own player. */
  label: string;
  x: number;
  y: number;
  /** Heading in radians, from its drawn movement (client/facing.ts). */
  facing: number;
  hp: number;
  alive: boolean;
  me: boolean;
}

export interface Scene {
  map: MapSize;
  players: DrawnPlayer[];
  effects: readonly Effect[];
  now: number;
}

/** A label as drawn, in CSS pixels of the canvas. */
export interface DrawnLabel {
  id: string;
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
  alpha: number;
}

/** What one frame drew: effects by kind, low-HP marks and labels. */
export interface FrameReport {
  effects: Record<EffectKind, number>;
  /** Effects drawn in motion (0 with reduced motion). */
  moving: number;
  lowHp: number;
  labels: DrawnLabel[];
  reducedMotion: boolean;
}

/** Room round the map for the label and HP bar of a player on its edge (CSS pixels), by screen size. */
const MARGIN_MIN_PX = 14;
const MARGIN_MAX_PX = 40;
const MARGIN_SHARE = 0.04;
/** Longer side of the minimap, CSS pixels, and its distance from the canvas corner. */
const MINIMAP_PX = 160;
const MINIMAP_INSET_PX = 12;
const LABEL_FONT = "12px system-ui, sans-serif";
const OWN_LABEL_FONT = "bold 13px system-ui, sans-serif";
const LABEL_HEIGHT_PX = 15;
/**
 * Widest a name label is drawn (CSS pixels, about 16 wide letters at 12 px): a wider one is clipped,
 * so no name, however drawn, runs across the map.
 */
const LABEL_MAX_WIDTH_PX = 150;
/** Label widths kept before the cache starts over. */
const MEASURE_CACHE_MAX = 2000;

export class Renderer {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly widths = new Map<string, number>();
  private readonly reduceMotion = matchMedia("(prefers-reduced-motion: reduce)");
  /** Damage numbers in the catalog's words, by amount, for the language they were made in. */
  private damageTexts = { language: "" as Language | "", byAmount: new Map<number, string>() };
  private last: FrameReport | null = null;

  /** `looks`: the room's players' looks, shared with the side panel's swatches. */
  constructor(private readonly canvas: HTMLCanvasElement, private readonly looks: Looks) {
    this.ctx = canvas.getContext("2d")!;
  }

  /** What the last frame drew. */
  get report(): FrameReport | null {
    return this.last;
  }

  draw(scene: Scene): void {
    const { canvas, ctx } = this;
    const dpr = window.devicePixelRatio || 1;
    const screen = { width: canvas.clientWidth, height: canvas.clientHeight };
    if (canvas.width !== Math.round(screen.width * dpr) || canvas.height !== Math.round(screen.height * dpr)) {
      canvas.width = Math.round(screen.width * dpr);
      canvas.height = Math.round(screen.height * dpr);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#10131a";
    ctx.fillRect(0, 0, canvas.width, canvas.height);

    const me = scene.players.find((p) => p.me) ?? null;
    const margin = Math.min(MARGIN_MAX_PX, Math.max(MARGIN_MIN_PX, Math.min(screen.width, screen.height) * MARGIN_SHARE));
    const view = camera(scene.map, screen, me, margin);
    ctx.setTransform(dpr * view.scale, 0, 0, dpr * view.scale, dpr * view.left, dpr * view.top);
    this.drawGround(scene.map, 1 / view.scale);

    // Everything else in CSS pixels.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const reducedMotion = this.reduceMotion.matches;
    const report: FrameReport = { effects: { swing: 0, hit: 0, damage: 0, death: 0, respawn: 0 }, moving: 0, lowHp: 0, labels: [], reducedMotion };
    const flashes = new Map<string, number>();
    for (const effect of scene.effects) {
      if (effect.kind === "hit") flashes.set(effect.playerId, Math.max(0, 1 - (scene.now - effect.start) / EFFECT_DURATION_MS.hit));
    }
    const onScreen: ScreenPlayer[] = [];
    const byId = new Map<string, ScreenPlayer>();
    for (const p of scene.players) {
      const drawn: ScreenPlayer = {
        id: p.id,
        x: view.left + p.x * view.scale,
        y: view.top + p.y * view.scale,
        facing: p.facing,
        hp: p.hp,
        alive: p.alive,
        me: p.me,
        look: this.looks.of(p.name),
        flash: flashes.get(p.id) ?? 0,
      };
      byId.set(p.id, drawn);
      onScreen.push(drawn);
    }
    const own = me && byId.get(me.id);
    if (own?.alive) this.drawRange(own, view.scale);

    const radius = bodyRadius(view.scale);
    const effectView: EffectView = {
      ctx,
      now: scene.now,
      reducedMotion,
      scale: view.scale,
      radius,
      at: (effect) => {
        const player = byId.get(effect.playerId);
        const colour = player?.look.colour ?? "#d8dee9";
        return player ? { x: player.x, y: player.y, colour } : { x: view.left + effect.x * view.scale, y: view.top + effect.y * view.scale, colour };
      },
      damageText: (amount) => this.damageText(amount),
      drawn: (kind) => report.effects[kind]++,
      moved: () => report.moving++,
    };
    drawSwings(effectView, scene.effects, ATTACK_RANGE);
    report.lowHp = drawBodies(ctx, onScreen, radius, scene.now, reducedMotion);
    drawHpBars(ctx, onScreen, radius);
    report.labels = this.drawLabels(scene.players, byId, screen, me, radius);
    // Over the labels: a number lives for a moment and says what just happened.
    drawOverlays(effectView, scene.effects);
    if (view.follows) this.drawMinimap(scene, view, screen);
    this.last = report;
  }

  private damageText(amount: number): string {
    if (this.damageTexts.language !== currentLanguage()) this.damageTexts = { language: currentLanguage(), byAmount: new Map() };
    let text = this.damageTexts.byAmount.get(amount);
    if (text === undefined) this.damageTexts.byAmount.set(amount, (text = t("effect.damage", { amount })));
    return text;
  }

  /** The own player's reach: the real ATTACK_RANGE, so the player sees who a swing will hit. */
  private drawRange(own: ScreenPlayer, scale: number): void {
    const { ctx } = this;
    ctx.beginPath();
    ctx.arc(own.x, own.y, ATTACK_RANGE * scale, 0, Math.PI * 2);
    ctx.setLineDash([6, 6]);
    ctx.lineWidth = 1;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.35)";
    ctx.stroke();
    ctx.setLineDash([]);
  }

  private measure(text: string, own: boolean): number {
    const key = own ? `\u0001${text}` : text;
    let width = this.widths.get(key);
    if (width === undefined) {
      if (this.widths.size >= MEASURE_CACHE_MAX) this.widths.clear();
      this.ctx.font = own ? OWN_LABEL_FONT : LABEL_FONT;
      this.widths.set(key, (width = Math.ceil(this.ctx.measureText(text).width) + 4));
    }
    return Math.min(width, LABEL_MAX_WIDTH_PX);
  }

  /** A label in its box: centred, or, when clipped to LABEL_MAX_WIDTH_PX, from its start and cut at the box. */
  private fillLabel(text: string, box: { left: number; top: number; width: number; height: number }, clipped: boolean): void {
    const { ctx } = this;
    const middle = box.top + box.height / 2;
    if (!clipped) return ctx.fillText(text, box.left + box.width / 2, middle);
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.left, box.top, box.width, box.height);
    ctx.clip();
    ctx.textAlign = "start";
    ctx.fillText(text, box.left + 2, middle);
    ctx.restore();
  }

  /** Names above the players, never overlapping (client/labels.ts), fainter further from the own player. */
  private drawLabels(players: readonly DrawnPlayer[], byId: Map<string, ScreenPlayer>, screen: { width: number; height: number }, me: DrawnPlayer | null, radius: number): DrawnLabel[] {
    const { ctx } = this;
    const requests: LabelRequest[] = [];
    const distances = new Map<string, number>();
    const centre = me ?? { x: 0, y: 0 };
    for (const p of players) {
      const at = labelAnchor(byId.get(p.id)!, radius);
      const distance = me ? Math.hypot(p.x - centre.x, p.y - centre.y) : 0;
      distances.set(p.id, distance);
      // The living before the dead, the own player before everyone.
      const priority = p.me ? -1 : distance + (p.alive ? 0 : 1e6);
      requests.push({ id: p.id, x: at.x, y: at.y, width: this.measure(p.label, p.me), height: LABEL_HEIGHT_PX, priority });
    }
    const placed = placeLabels(requests, screen);
    const labels: DrawnLabel[] = [];
    const byPlayer = new Map(players.map((p) => [p.id, p]));
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const own of [false, true]) {
      ctx.font = own ? OWN_LABEL_FONT : LABEL_FONT;
      for (const box of placed) {
        const p = byPlayer.get(box.id)!;
        if (p.me !== own) continue;
        const alpha = labelAlpha(distances.get(p.id)!) * (p.alive ? 1 : 0.6);
        ctx.globalAlpha = alpha;
        ctx.fillStyle = own ? "#ffffff" : "#d8dee9";
        this.fillLabel(p.label, box, box.width >= LABEL_MAX_WIDTH_PX);
        labels.push({ id: p.id, text: p.label, left: box.left, top: box.top, width: box.width, height: box.height, alpha });
      }
    }
    ctx.globalAlpha = 1;
    return labels;
  }

  /** The whole map in a corner: players in view as dots in their colour, the own one larger, the screen as a frame. */
  private drawMinimap(scene: Scene, view: Camera, screen: { width: number; height: number }): void {
    const { ctx } = this;
    const { map } = scene;
    const k = MINIMAP_PX / Math.max(map.width, map.height);
    const x0 = screen.width - MINIMAP_INSET_PX - map.width * k;
    const y0 = screen.height - MINIMAP_INSET_PX - map.height * k;
    ctx.fillStyle = "rgba(16, 19, 26, 0.85)";
    ctx.fillRect(x0, y0, map.width * k, map.height * k);
    ctx.strokeStyle = "#4a5878";
    ctx.lineWidth = 1;
    ctx.strokeRect(x0, y0, map.width * k, map.height * k);
    for (const player of scene.players) {
      ctx.fillStyle = player.me ? "#ffffff" : this.looks.of(player.name).colour;
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
}
