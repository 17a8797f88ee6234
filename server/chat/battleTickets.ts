import { randomBytes } from "node:crypto";
import type { Presence } from "@colyseus/core";
import { battleChannel } from "../shared/channel";
import { BATTLE_CHANNEL_PREFIX, type BattleChatTicket } from "../shared/protocol";

/** Random bytes of a ticket (24 base64url characters): never guessed. */
const TICKET_BYTES = 18;

/** The presence set of tickets that admit to `channel`: in presence, so any process can check one. */
const ticketsKey = (channel: string) => `battlechat:${channel}`;

export const isBattleChannel = (channel: string) => channel.startsWith(BATTLE_CHANNEL_PREFIX);

/**
 * A battle's chat channel admits that battle's players only: each gets a ticket on request, kept
 * in presence while it plays, and the chat room's onAuth checks it before a seat is reserved.
 */
export class BattleChatTickets {
  private bySession = new Map<string, string>();
  readonly channel: string;

  constructor(private readonly presence: Presence, roomId: string) {
    this.channel = battleChannel(roomId);
  }

  /** `sessionId`'s ticket, issued at its first request. */
  async ticketFor(sessionId: string): Promise<BattleChatTicket> {
    let ticket = this.bySession.get(sessionId);
    if (ticket === undefined) {
      ticket = randomBytes(TICKET_BYTES).toString("base64url");
      this.bySession.set(sessionId, ticket);
      await this.presence.sadd(ticketsKey(this.channel), ticket);
    }
    return { channel: this.channel, ticket };
  }

  /** The player left the battle for good: its ticket admits no one any more. */
  async revoke(sessionId: string): Promise<void> {
    const ticket = this.bySession.get(sessionId);
    this.bySession.delete(sessionId);
    if (ticket !== undefined) await this.presence.srem(ticketsKey(this.channel), ticket);
  }

  async dispose(): Promise<void> {
    this.bySession.clear();
    await this.presence.del(ticketsKey(this.channel));
  }
}

/** True when `ticket` admits to battle channel `channel` (checked at the chat room's matchmaking). */
export async function admits(presence: Presence, channel: string, ticket: string | undefined): Promise<boolean> {
  if (ticket === undefined) return false;
  return Boolean(await presence.sismember(ticketsKey(channel), ticket));
}
