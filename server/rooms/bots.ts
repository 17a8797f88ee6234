/**
 * A battle's server-side bots. A bot has no socket: it is a client-shaped sender whose messages go
 * into the room's one guarded path (./messages.ts `Deliver`), so its moves and attacks are
 * rate-limited, parsed, queued and refused exactly like a player's. What it decides is the pure
 * `botThink` (server/shared/bots.ts); nothing here touches the state. Bots are no connection: they
 * take no per-address limit, and the room's client count and metrics never see them.
 */
import type { Client } from "@colyseus/core";
import { botThink, newBotMind, type BotBody, type BotIntent, type BotMind } from "../shared/bots";
import type { Rng } from "../shared/game";
import { botClient, type BotClient } from "./botClient";
import type { Deliver } from "./messages";

interface Bot {
  client: BotClient;
  mind: BotMind;
  /** seq of its last move, counted like a client counts. */
  seq: number;
}

/** The session id prefix of bots: Colyseus's own ids never contain "-". */
export const BOT_SESSION_PREFIX = "bot-";

export class Bots<C extends Client> {
  private readonly bots = new Map<string, Bot>();
  private made = 0;

  /** `fillTo`: fighters a battle is filled up to (BOTS_FILL_TO or the room's `bots` option); `deliver` is the room's guarded path. */
  constructor(
    readonly fillTo: number,
    private readonly deliver: Deliver<C>,
    private readonly onLeave: (sessionId: string) => void,
  ) {}

  get size(): number {
    return this.bots.size;
  }

  has(sessionId: string): boolean {
    return this.bots.has(sessionId);
  }

  clientOf(sessionId: string): BotClient | undefined {
    return this.bots.get(sessionId)?.client;
  }

  /** A new bot; the room seats its player under the returned session id. */
  add(): string {
    const sessionId = `${BOT_SESSION_PREFIX}${++this.made}`;
    this.bots.set(sessionId, { client: botClient(sessionId, () => this.onLeave(sessionId)), mind: newBotMind(), seq: 0 });
    return sessionId;
  }

  /** Forgets the newest bot and returns its session id, for the room to unseat. */
  removeNewest(): string | undefined {
    const newest = [...this.bots.keys()].pop();
    if (newest !== undefined) this.remove(newest);
    return newest;
  }

  remove(sessionId: string): void {
    this.bots.delete(sessionId);
  }

  /** One tick of every bot: its intent, sent as `move` and `attack` through the guarded path. */
  think(fighters: ReadonlyMap<string, BotBody>, nowMs: number, rng: Rng): void {
    for (const [sessionId, bot] of this.bots) {
      const self = fighters.get(sessionId);
      if (!self) continue;
      const intent: BotIntent = botThink(bot.mind, self, fighters.values(), nowMs, rng);
      if (intent.mode === "dead") continue;
      bot.seq += 1;
      this.say(sessionId, "move", { dx: intent.move.dx, dy: intent.move.dy, seq: bot.seq });
      if (intent.attack) this.say(sessionId, "attack", {});
    }
  }

  /** Bot `sessionId` sends message `type`: into the room's guarded path, as a client's would arrive. */
  say(sessionId: string, type: string, input: unknown): void {
    const bot = this.bots.get(sessionId);
    if (bot) this.deliver(bot.client as unknown as C, type, input);
  }
}
