import type { Client } from "@colyseus/core";
import type { Identity } from "../auth/identity";
import { BattleChatTickets } from "../chat/battleTickets";
import { arenaSize, shownWhole } from "../shared/arena";
import { botsWanted } from "../shared/bots";
import {
  attackBlocked,
  generateName,
  moveRefused,
  newPilot,
  nextAttackAt,
  pickSpawn,
  respawnAt,
  seededRng,
  stepPlayers,
  type Pilot,
  type Rng,
} from "../shared/game";
import { PositionHistory, resolveRewoundAttack, rewindTick } from "../shared/lagcomp";
import { NamesInUse, uniqueName } from "../shared/names";
import { roomNameParts } from "../shared/roomNames";
import { parseBattleOptions, type BattleJoin } from "../shared/parse";
import { RoomName, type AttackPayload, type MovePayload } from "../shared/payloads";
import { MAX_HP, RESPAWN_DELAY_MS, TICK_MS } from "../shared/tuning";
import { Bots } from "./bots";
import { guardedRoom, type Addressed } from "./guardedRoom";
import { InterestViews } from "./interestViews";
import type { Handlers, Outcome } from "./messages";
import { BattleState, Player } from "./schema/BattleState";

/** `client.auth`: the join options and who the player is. */
type BattleAuth = BattleJoin & Identity & Addressed;
type BattleClient = Client<unknown, BattleAuth>;

export class BattleRoom extends guardedRoom(RoomName.battle, parseBattleOptions)<BattleState> {
  state = new BattleState();
  private pilots = new Map<string, Pilot>();
  /** The keys of the players' names, so a join finds a look-alike in O(1). */
  private names = new NamesInUse();
  /** Positions of the last few ticks, for attacks judged where their sender saw the targets. */
  private history = new PositionHistory<string>();
  /** Who sees whom, and the serializer that sends each client its view and its own ack. */
  private views!: InterestViews;
  /** Whether this room's players are sent by view: INTEREST_MANAGEMENT, on a map too big to show whole. */
  private viewed = false;
  private rng: Rng = seededRng(Math.floor(Math.random() * 2 ** 32));
  private chatTickets!: BattleChatTickets;
  /** Server-side bots filling the battle up to BOTS_FILL_TO fighters (./bots.ts). */
  bots!: Bots<BattleClient>;

  readonly messages: Handlers<"battle", BattleClient> = {
    move: (client, move) => this.onMove(client, move),
    attack: (client, attack) => this.onAttack(client, attack),
    chatTicket: (client) => this.onChatTicket(client),
  };

  protected create(options: BattleJoin) {
    const map = arenaSize(options.maxPlayers);
    // INTEREST_MANAGEMENT, and only where the client cannot show the whole map anyway (docs/netcode.md "Interest management").
    this.viewed = this.ctx.settings.interestManagement && !shownWhole(map);
    this.views = new InterestViews(this, this.viewed);
    this.chatTickets = new BattleChatTickets(this.presence, this.roomId);
    this.maxClients = options.maxPlayers;
    this.bots = new Bots(options.bots ?? this.ctx.settings.botsFillTo, this.deliver, (sessionId) => this.unseatBot(sessionId));
    // A private room is joined by id only (a shared link): not listed, never picked by joinOrCreate.
    if (options.private) this.setPrivate(true);
    this.state.width = map.width;
    this.state.height = map.height;
    // The friendly name, language-neutral: the lobby lists it, the battle header reads it from the state.
    const name = roomNameParts(this.roomId);
    this.state.nameModifier = name.modifier;
    this.state.nameNoun = name.noun;
    void this.setMetadata({ map: `${map.width}x${map.height}`, name });

    // Patches go out right after each tick, so an applied input is acknowledged without waiting
    // for an unrelated patch timer.
    this.patchRate = 0;
    this.setSimulationInterval(this.ctx.metrics.timedTick(() => this.tick()), TICK_MS);
  }

  protected nameOf(client: BattleClient): string {
    return this.state.players.get(client.sessionId)?.name ?? "";
  }

  onJoin(client: BattleClient, _options: unknown, auth: BattleAuth) {
    this.reconnections.watch(client);
    const previous = this.seats.claim(auth.playerId, client.sessionId);
    if (previous !== undefined && this.takeOver(previous, client)) return;
    const player = this.seat(client.sessionId, auth.name ?? generateName(this.rng), false);
    this.views.join(client.sessionId, player);
    this.fillWithBots();
  }

  protected async left(client: BattleClient) {
    this.unseat(client.sessionId);
    this.views.leave(client.sessionId);
    this.fillWithBots();
    await this.chatTickets.revoke(client.sessionId);
  }

  /** A new fighter at a free spot, under a name no other player's looks like (server/shared/names.ts). */
  private seat(sessionId: string, name: string, bot: boolean): Player {
    const player = new Player();
    player.name = uniqueName(name, this.names);
    this.names.add(player.name);
    player.hp = MAX_HP;
    player.bot = bot;
    const spot = pickSpawn(this.rng, this.state.players.values(), this.state);
    player.x = spot.x;
    player.y = spot.y;
    this.state.players.set(sessionId, player);
    this.pilots.set(sessionId, newPilot(this.clock.elapsedTime));
    return player;
  }

  private unseat(sessionId: string): void {
    const player = this.state.players.get(sessionId);
    if (player) this.names.delete(player.name);
    this.state.players.delete(sessionId);
    this.pilots.delete(sessionId);
  }

  /** Bots join while the battle has fewer players than BOTS_FILL_TO, and leave as players join. */
  private fillWithBots(): void {
    const humans = this.state.players.size - this.bots.size;
    const wanted = botsWanted(this.bots.fillTo, humans, this.maxClients);
    // MAX_BOTS in the whole process: past it this battle fills with fewer.
    while (this.bots.size < wanted && this.ctx.bots.take()) this.seat(this.bots.add(), generateName(this.rng), true);
    while (this.bots.size > wanted) this.unseatBot(this.bots.removeNewest()!);
  }

  private unseatBot(sessionId: string): void {
    this.bots.remove(sessionId);
    this.limits.forget(sessionId);
    if (this.state.players.has(sessionId)) this.ctx.bots.give();
    this.unseat(sessionId);
  }

  async onDispose() {
    while (this.bots.size > 0) this.unseatBot(this.bots.removeNewest()!);
    await this.chatTickets.dispose();
  }

  /** The battle's chat channel and this player's ticket to it (server/chat/battleTickets.ts). */
  private async onChatTicket(client: BattleClient) {
    if (!this.pilots.has(client.sessionId)) return;
    this.send(client, "battleChat", await this.chatTickets.ticketFor(client.sessionId));
  }

  /**
   * The same player joined again (another tab or device): the new session continues its character
   * (position, HP, score, cooldown, respawn) and the older one is closed, so it is never two players.
   */
  private takeOver(previous: string, client: BattleClient): boolean {
    const player = this.state.players.get(previous);
    const pilot = this.pilots.get(previous);
    this.evict(previous);
    if (!player || !pilot) return false;
    this.state.players.delete(previous);
    this.pilots.delete(previous);
    this.views.leave(previous);
    const continued = player.clone();
    // The new connection numbers its moves from 1 again.
    continued.lastInput = 0;
    this.state.players.set(client.sessionId, continued);
    this.pilots.set(client.sessionId, { ...pilot, moves: [], lastSeq: 0, acked: 0 });
    this.views.join(client.sessionId, continued);
    return true;
  }

  private get nowMs(): number {
    return this.state.tick * TICK_MS;
  }

  private onMove(client: BattleClient, move: MovePayload): Outcome {
    const pilot = this.pilots.get(client.sessionId);
    if (!pilot) return;
    const refused = moveRefused(move.seq, pilot.lastSeq, pilot.moves.length);
    if (refused) return refused;
    pilot.lastSeq = move.seq;
    pilot.moves.push(move);
  }

  private onAttack(client: BattleClient, attack: AttackPayload): Outcome {
    const attacker = this.state.players.get(client.sessionId);
    const pilot = this.pilots.get(client.sessionId);
    if (!attacker || !pilot) return;
    const seenAt = rewindTick(attack.tick, this.state.tick);
    if (!seenAt.ok) return seenAt;
    const blocked = attackBlocked(attacker, pilot.nextAttackAt, this.nowMs);
    if (blocked) return blocked;
    pilot.nextAttackAt = nextAttackAt(this.nowMs);

    const outcome = resolveRewoundAttack(client.sessionId, attacker, this.state.players.entries(), this.history, seenAt.tick);
    const attacked = { by: client.sessionId, x: attacker.x, y: attacker.y, hits: outcome.hits };
    // With interest views, an attack is news only to those who see the attacker or a victim.
    const views = this.views;
    if (!this.viewed) this.broadcast("attacked", attacked);
    else for (const c of this.clients) if ([attacked.by, ...attacked.hits].some((id) => views.canSee(c.sessionId, id))) this.send(c, "attacked", attacked);
    for (const victimId of outcome.killed) {
      const victim = this.state.players.get(victimId)!;
      this.pilots.get(victimId)!.respawnAt = respawnAt(this.nowMs);
      this.broadcast("kill", {
        killer: client.sessionId,
        killerName: attacker.name,
        victim: victimId,
        victimName: victim.name,
        respawnInMs: RESPAWN_DELAY_MS,
      });
    }
  }

  private tick() {
    this.state.tick += 1;
    // Bots send their moves and attacks first, through the same path as the players' messages.
    this.bots.think(this.state.players, this.nowMs, this.rng);
    const seated = [...this.state.players].map(([id, player]) => [player, this.pilots.get(id)!] as const);
    stepPlayers(seated, { simMs: this.nowMs, clockMs: this.clock.elapsedTime }, this.rng, this.state);
    for (const [player, pilot] of seated) if (player.lastInput !== pilot.acked) player.lastInput = pilot.acked;
    this.history.record(this.state.tick, this.state.players.entries());
    this.broadcastPatch();
  }
}
