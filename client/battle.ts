/**
 * One battle on screen: wires the room to prediction (own player), interpolation (the others),
 * the keyboard, the renderer and the HUD, and follows the room across reconnections.
 */
import type { Client } from "colyseus.js";
import type { MapSize, Point } from "../server/shared/game";
import { MAP_HEIGHT, MAP_WIDTH, TICK_MS } from "../server/shared/tuning";
import { ClientMessage, ServerMessage } from "../server/shared/messages";
import { type AttackedEvent, type KillEvent } from "../server/shared/payloads";
import { shownName, type Hud } from "./hud";
import { Facing } from "./facing";
import { BattleFeel } from "./feel";
import { refusalText, t } from "./i18n";
import { Keyboard, MovePacer } from "./input";
import { TouchControls } from "./touch";
import { INTERPOLATION_DELAY_MS, Interpolator, ServerClock, shownTick } from "./interpolation";
import { CLOSE_CONSENTED, keepConnected, measurePing, PING_INTERVAL_MS } from "./net";
import { OwnMotion } from "./ownMotion";
import { onMessage, send, type GameRoom } from "./rooms";
import type { DrawnPlayer, FrameReport, Renderer, Scene } from "./render";
import type { Looks } from "./look";
import type { SoundCues } from "./sound";
import { ownAck, type BattleStateView, type PlayerState, type SyncedPlayer } from "./state";

export type BattleRoom = GameRoom<"battle", BattleStateView>;

/** What a battle draws and plays through; they outlive it (one of each per page). */
export interface BattleParts {
  renderer: Renderer;
  hud: Hud;
  sound: SoundCues;
  /** The players' looks, kept in step with the room's players here and read by renderer and HUD. */
  looks: Looks;
  /** The room closed after the server's shutdown notice (a deploy): the page plays on in a fresh battle. */
  onShutdownClose(): void;
}

/** How often the scoreboard is redrawn at most while patches change it. */
export const SCOREBOARD_REFRESH_MS = 250;

export class BattleSession {
  readonly sessionId: string;
  private room: BattleRoom;
  /** The own player: predicted, and drawn gliding between predicted steps. */
  private readonly own = new OwnMotion();
  private readonly clock = new ServerClock();
  private readonly others = new Map<string, Interpolator>();
  /** Latest server word on every player, copied out of the synchronised state. */
  private readonly players = new Map<string, PlayerState>();
  private map: MapSize = { width: MAP_WIDTH, height: MAP_HEIGHT };
  private readonly facing = new Facing();
  private readonly feel: BattleFeel;
  /** The scoreboard needs a redraw (it is redrawn at most every SCOREBOARD_REFRESH_MS). */
  private scoresDirty = false;
  /** Local time of the own player's respawn while dead. */
  private respawnAt: number | null = null;
  private lastScene: Scene | null = null;
  /** The newest tick a patch brought; an attack never names a later one. */
  private latestTick = 0;
  private readonly keyboard: Keyboard;
  private readonly touch: TouchControls;
  private readonly pacer: MovePacer;
  private readonly stops: Array<() => void> = [];
  private readonly leave: () => Promise<void>;

  private readonly renderer: Renderer;
  private readonly hud: Hud;
  private readonly looks: Looks;
  private readonly onShutdownClose: () => void;

  constructor(client: Client, room: BattleRoom, parts: BattleParts) {
    const { renderer, hud, sound, looks } = parts;
    this.sessionId = room.sessionId;
    this.room = room;
    this.renderer = renderer;
    this.hud = hud;
    this.looks = looks;
    this.onShutdownClose = parts.onShutdownClose;
    this.feel = new BattleFeel(room.sessionId, this.facing, (cue) => sound.play(cue));
    hud.reset();
    this.pacer = new MovePacer(() => this.tick());
    this.keyboard = new Keyboard(() => this.attack(), () => this.pacer.now());
    this.touch = new TouchControls(() => this.attack(), () => this.pacer.now());
    this.stops.push(() => this.pacer.stop());
    this.leave = keepConnected(client, room, { onRoom: (next) => this.bind(next), onStatus: (s) => hud.showStatus(s) });
    this.startFrames();
    this.startPing();
    this.startScores();
  }

  /** What the last frame drew (read by the browser tests through `window.game`). */
  get scene(): Scene | null {
    return this.lastScene;
  }

  /** What the last frame drew: effects by kind and labels (read by the browser tests). */
  get drawn(): FrameReport | null {
    return this.renderer.report;
  }

  /** Moves sent that the server has not acknowledged yet. */
  get pendingInputs(): number {
    return this.own.pending;
  }

  /** Patches that corrected the prediction of the living own player. */
  get corrections(): number {
    return this.own.corrections;
  }

  /** Where the prediction has the own player (the drawn position glides towards it). */
  get predicted(): Point | null {
    return this.own.predicted;
  }

  get roomId(): string {
    return this.room.roomId;
  }

  private bind(room: BattleRoom): void {
    this.room = room;
    this.clock.reset();
    room.onStateChange((state) => this.onPatch(state));
    onMessage(room, ServerMessage.attacked, (event) => this.onAttacked(event));
    onMessage(room, ServerMessage.kill, (event) => this.onKill(event));
    onMessage(room, ServerMessage.error, (error) => this.hud.showNotice(refusalText(error.code)));
    onMessage(room, ServerMessage.shutdown, (notice) => {
      this.hud.showShutdown(notice);
      room.onLeave((code) => {
        if (code === CLOSE_CONSENTED) this.onShutdownClose();
      });
    });
  }

  private onPatch(state: BattleStateView): void {
    const now = performance.now();
    const serverTime = state.tick * TICK_MS;
    this.latestTick = state.tick;
    this.clock.observe(serverTime, now);
    if (state.width && state.height) this.map = { width: state.width, height: state.height };
    const present = new Set<string>();
    state.players.forEach((p, id) => {
      present.add(id);
      const before = this.players.get(id);
      const copy = copyPlayer(p, before);
      this.players.set(id, copy);
      this.feel.changed(id, before, copy, now);
      if (!copy.inView) this.others.delete(id);
      else if (id === this.sessionId) this.own.reconcile(copy, ownAck(state, id), before?.alive === true, this.map);
      else this.interpolator(id).push(serverTime, copy);
    });
    for (const id of [...this.players.keys()]) {
      if (present.has(id)) continue;
      this.players.delete(id);
      this.others.delete(id);
    }
    if (this.players.get(this.sessionId)?.alive) this.respawnAt = null;
    this.looks.assign([...this.players.values()].map((p) => p.name));
    this.scoresDirty = true;
  }

  private interpolator(id: string): Interpolator {
    let interpolator = this.others.get(id);
    if (!interpolator) this.others.set(id, (interpolator = new Interpolator()));
    return interpolator;
  }

  private onAttacked(event: AttackedEvent): void {
    this.feel.attacked(event, this.players, performance.now());
  }

  private onKill(event: KillEvent): void {
    this.hud.addKill(event, this.sessionId, (id) => this.players.get(id)?.bot === true);
    this.feel.killed(event);
    if (event.victim === this.sessionId) this.respawnAt = performance.now() + event.respawnInMs;
  }

  private get online(): boolean {
    return this.room.connection?.isOpen === true;
  }

  /** One paced client tick: one move while a direction is held, nothing when idle; says whether it sent. */
  private tick(): boolean {
    const keys = this.keyboard.direction();
    const dir = keys.dx === 0 && keys.dy === 0 ? this.touch.direction() : keys;
    if (dir.dx === 0 && dir.dy === 0) return false;
    if (!this.online || !this.own.canSend() || !this.players.get(this.sessionId)?.alive) return false;
    send(this.room, ClientMessage.move, this.own.move(dir, this.map, performance.now()));
    return true;
  }

  private attack(): void {
    if (!this.online || !this.players.get(this.sessionId)?.alive) return;
    // Name the tick the screen shows, so the server judges the hit where we saw the targets.
    const serverNow = this.clock.now(performance.now());
    send(this.room, ClientMessage.attack, serverNow === null ? {} : { tick: Math.min(this.latestTick, shownTick(serverNow)) });
  }

  private startFrames(): void {
    let frame = 0;
    const draw = () => {
      this.lastScene = this.compose(performance.now());
      this.renderer.draw(this.lastScene);
      this.hud.showDeath(this.respawnAt === null ? null : this.respawnAt - this.lastScene.now);
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    this.stops.push(() => cancelAnimationFrame(frame));
  }

  private compose(now: number): Scene {
    const serverNow = this.clock.now(now);
    const drawnAt = serverNow === null ? null : serverNow - INTERPOLATION_DELAY_MS;
    const players: DrawnPlayer[] = [];
    this.facing.beginFrame();
    for (const [id, p] of this.players) {
      if (!p.inView) continue;
      const me = id === this.sessionId;
      const at = me ? this.own.at(now) : drawnAt === null ? null : this.others.get(id)?.at(drawnAt);
      const x = at?.x ?? p.x;
      const y = at?.y ?? p.y;
      const label = me ? t("player.you", { name: p.name }) : shownName(p);
      players.push({ id, name: p.name, label, x, y, facing: this.facing.update(id, x, y), hp: p.hp, alive: p.alive, me });
    }
    return { map: this.map, players, effects: this.feel.effects.live(now), now };
  }

  /** The scoreboard follows the patches at most every SCOREBOARD_REFRESH_MS: 200 rows per patch would cost frames. */
  private startScores(): void {
    const refresh = () => {
      if (!this.scoresDirty) return;
      this.scoresDirty = false;
      this.hud.showScores([...this.players], this.sessionId);
    };
    const timer = setInterval(refresh, SCOREBOARD_REFRESH_MS);
    this.stops.push(() => clearInterval(timer));
  }

  private startPing(): void {
    const ping = async () => this.hud.showPing(await measurePing());
    void ping();
    const timer = setInterval(ping, PING_INTERVAL_MS);
    this.stops.push(() => clearInterval(timer));
  }

  /** Leaves deliberately: the server frees the seat at once. */
  async dispose(): Promise<void> {
    for (const stop of this.stops) stop();
    this.keyboard.dispose();
    this.touch.dispose();
    await this.leave();
  }
}

/**
 * Copies the server's word on a player out of the synchronised state. Out of the interest radius
 * the viewed fields are undefined: the last known values are kept but the player is not drawn.
 */
function copyPlayer(p: SyncedPlayer, before: PlayerState | undefined): PlayerState {
  const inView = p.x !== undefined && p.y !== undefined;
  return {
    name: p.name,
    kills: p.kills,
    deaths: p.deaths,
    // A server from before bots sends no such field.
    bot: p.bot === true,
    x: p.x ?? before?.x ?? 0,
    y: p.y ?? before?.y ?? 0,
    hp: p.hp ?? before?.hp ?? 0,
    alive: p.alive ?? before?.alive ?? true,
    lastInput: p.lastInput ?? before?.lastInput ?? 0,
    inView,
  };
}
