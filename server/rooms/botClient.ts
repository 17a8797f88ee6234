/** The client of a server-side bot (./bots.ts): no socket, the refusals it gets kept for a look. */
import { ClientState, type Client } from "@colyseus/core";
import type { ErrorPayload } from "../shared/codes";

const BOT = Symbol("bot");

/** A bot's client: what the guarded path needs of a client, and the last refusal it got. */
export interface BotClient extends Client {
  readonly [BOT]: true;
  /** Refusals it was sent (a bot that plays by the rules gets none). */
  refusals: number;
  lastRefusal: ErrorPayload | undefined;
}

/** True for a bot's client: refusals are not counted in the players' metrics. */
export function isBot(client: Client): boolean {
  return (client as Partial<BotClient>)[BOT] === true;
}

/** A client for bot `sessionId`; `onLeave` runs when the guarded path closes it (cut off for flooding). */
export function botClient(sessionId: string, onLeave: () => void): BotClient {
  const client = {
    [BOT]: true as const,
    sessionId,
    id: sessionId,
    state: ClientState.JOINED,
    refusals: 0,
    lastRefusal: undefined as ErrorPayload | undefined,
    send(type: string | number, payload?: unknown) {
      if (type !== "error") return;
      client.refusals += 1;
      client.lastRefusal = payload as ErrorPayload;
    },
    leave() {
      onLeave();
    },
  };
  return client as unknown as BotClient;
}
