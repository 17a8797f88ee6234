/** What the chat scenarios share: clients from chosen addresses, and loops bounded by the attack time. */
import { Client } from "colyseus.js";
import type { GameRoom } from "../../client/rooms";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { RoomName, type JoinChatOptions } from "../../server/shared/protocol";
import type { AbuseContext } from "./scenario";
import { hearAll, sdkOf } from "../helpers/rooms";
import { eventually } from "../helpers/wait";

/** A colyseus.js client matchmaking as `address` (X-Real-IP), like a browser on another network. */
export function clientFrom(ctx: AbuseContext, address: string): Client {
  return new Client(ctx.httpUrl, { headers: { "X-Real-IP": address } });
}

/**
 * The address of an attacker's `i`-th attempt in address block `block` (10.block.x.y): a botnet's
 * many addresses, so a scenario meets the defence it is about and not the per-address matchmaking
 * limit (10/s), which the matchmake-flood scenario covers.
 */
export function spreadAddress(block: number, i: number): string {
  return `10.${block}.${100 + ((i >> 8) % 150)}.${i & 255}`;
}

/** Joins a channel and hears every server message type (nothing unheard is logged). */
export async function joinChat(client: Client, options: JoinChatOptions): Promise<GameRoom<"chat", ChatState>> {
  return hearAll(await sdkOf(client).joinOrCreate(RoomName.chat, options));
}

/** Runs `step` again and again until the attack time is over or `max` steps ran; returns the count. */
export async function loopFor(ctx: AbuseContext, ms: number, max: number, step: (i: number) => Promise<void>): Promise<number> {
  let over = false;
  void ctx.attackFor(ms).then(() => (over = true));
  let i = 0;
  while (!over && i < max) await step(i++);
  return i;
}

/** Longest a scenario waits for what its honest members should see: the attack slows the server. */
const SCENARIO_WAIT_MS = 8000;

/** Resolves once `check` holds, polled; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = SCENARIO_WAIT_MS): Promise<void> {
  await eventually(check, what, timeoutMs);
}
