/**
 * One battle on screen: wires the room to prediction (own player), interpolation (the others),
 * the keyboard, the renderer and the HUD, and follows the room across reconnections.
 */
import type { Client } from "colyseus.js";
import type { MapSize, Point } from "../server/shared/game";
import { MAP_HEIGHT, MAP_WIDTH, TICK_MS } from "../server/shared/tuning";
import { ClientMessage, ServerMessage } from "../server/shared/messages";
import { type AttackedEvent, type KillEvent } from "../server/shared/payloads";
import type { Hud } from "./hud";
import { Glide } from "./glide";
import { refusalText } from "./i18n";
import { Keyboard, MovePacer } from "./input";
import { TouchControls } from "./touch";
import { INTERPOLATION_DELAY_MS, Interpolator, ServerClock, shownTick } from "./interpolation";
import { keepConnected, measurePing, PING_INTERVAL_MS } from "./net";
import { Predictor } from "./prediction";
import { onMessage, send, type GameRoom } from "./rooms";
import { EFFECT_MS, type DrawnPlayer, type Effect, type Renderer, type Scene } from "./render";
import { ownAck, type BattleStateView, type PlayerState, type SyncedPlayer } from "./state";

export type BattleRoom = GameRoom<"battle", BattleStateView>;

export class BattleSession {
  readonly sessionId: string;
  private room: BattleRoom;
  private readonly predictor = new Predictor();
  /** The own player as drawn: gliding between predicted steps. */
  private readonly glide = new Glide();
  /** Patches that moved the living own player away from where it was predicted (0 when prediction is exact). */
  private correctionCount = 0;
  private lastAck = 0;
  private readonly clock = new ServerClock();
  private readonly others = new Map<string, Interpolator>();
  /** Latest server word on every player, copied out of the synchronised state. */
  private readonly players = new Map<string, PlayerState>();
  private map: MapSize = { width: MAP_WIDTH, height: MAP_HEIGHT };
  private effects: Effect[] = [];
  private readonly hitAt = new Map<string, number>();
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

  constructor(client: Client, room: BattleRoom, private readonly renderer: Renderer, private readonly hud: Hud) {
    this.sessionId = room.sessionId;
    this.room = room;
    hud.reset();
    this.pacer = new MovePacer(() => this.tick());
    this.keyboard = new Keyboard(() => this.attack(), () => this.pacer.now());
    this.touch = new TouchControls(() => this.attack(), () => this.pacer.now());
    this.stops.push(() => this.pacer.stop());
    this.leave = keepConnected(client, room, { onRoom: (next) => this.bind(next), onStatus: (s) => hud.showStatus(s) });
    this.startFrames();
    this.startPing();
  }

  /** What the last frame drew (read by the browser tests through `window.game`). */
  get scene(): Scene | null {
    return this.lastScene;
  }

  /** Moves sent that the server has not acknowledged yet. */
  get pendingInputs(): number {
    return this.predictor.unacknowledged;
  }

  /** Patches that corrected the prediction of the living own player. */
  get corrections(): number {
    return this.correctionCount;
  }

  /** Where the prediction has the own player (the drawn position glides towards it). */
  get predicted(): Point | null {
    return this.predictor.position;
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
    onMessage(room, ServerMessage.shutdown, (notice) => this.hud.showShutdown(notice));
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
      if (!copy.inView) this.others.delete(id);
      else if (id === this.sessionId) this.reconcile(copy, before?.alive === true, ownAck(state, id));
      else this.interpolator(id).push(serverTime, copy);
    });
    for (const id of [...this.players.keys()]) {
      if (present.has(id)) continue;
      this.players.delete(id);
      this.others.delete(id);
    }
    if (this.players.get(this.sessionId)?.alive) this.respawnAt = null;
    this.hud.showScores([...this.players], this.sessionId);
  }

  private reconcile(own: PlayerState, wasAlive: boolean, ack: number | undefined): void {
    this.lastAck = ack ?? this.lastAck;
    const at = this.predictor.reconcile({ ...own, lastInput: this.lastAck }, this.map);
    const target = this.glide.target;
    if (target && target.x === at.x && target.y === at.y) return;
    // Only a living player's move is a misprediction; the first patch and a respawn just place it.
    if (target && wasAlive && own.alive) this.correctionCount += 1;
    this.glide.jump(at);
  }

  private interpolator(id: string): Interpolator {
    let interpolator = this.others.get(id);
    if (!interpolator) this.others.set(id, (interpolator = new Interpolator()));
    return interpolator;
  }

  private onAttacked(event: AttackedEvent): void {
    const now = performance.now();
    this.effects.push({ x: event.x, y: event.y, start: now });
    for (const id of event.hits) this.hitAt.set(id, now);
  }

  private onKill(event: KillEvent): void {
    this.hud.addKill(event, this.sessionId);
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
    if (!this.online || !this.predictor.canSend() || !this.players.get(this.sessionId)?.alive) return false;
    send(this.room, ClientMessage.move, this.predictor.input(dir, this.map));
    this.glide.step(this.predictor.position!, performance.now());
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
    for (const [id, p] of this.players) {
      if (!p.inView) continue;
      const me = id === this.sessionId;
      const at = me ? this.glide.at(now) : drawnAt === null ? null : this.others.get(id)?.at(drawnAt);
      players.push({ id, name: p.name, x: at?.x ?? p.x, y: at?.y ?? p.y, hp: p.hp, alive: p.alive, me });
    }
    this.effects = this.effects.filter((effect) => now - effect.start < EFFECT_MS);
    return { map: this.map, players, effects: this.effects, hitAt: this.hitAt, now };
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
    x: p.x ?? before?.x ?? 0,
    y: p.y ?? before?.y ?? 0,
    hp: p.hp ?? before?.hp ?? 0,
    alive: p.alive ?? before?.alive ?? true,
    lastInput: p.lastInput ?? before?.lastInput ?? 0,
    inView,
  };
}
