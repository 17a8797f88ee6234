import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { CHAT_CHANNELS_PER_ADDRESS, ROOMS_PER_ADDRESS, RoomName } from "../../../server/shared/protocol";
import { holdSeatsFrom } from "../../helpers/addresses";
import type { AbuseScenario } from "../scenario";

/** Addresses of one /64 (documentation prefix), each a source on lo for the attack. */
const HOST = Array.from({ length: 30 }, (_, i) => `2001:db8:ab:1::${(i + 1).toString(16)}`);

function ip(action: "add" | "del", address: string): boolean {
  try {
    execFileSync("ip", ["-6", "addr", action, `${address}/128`, "dev", "lo", ...(action === "add" ? ["nodad"] : [])], { stdio: "pipe" });
    return true;
  } catch (error) {
    return action === "add" && /exists/i.test(String((error as { stderr?: Buffer }).stderr));
  }
}

/** One IPv6 host is a whole /64: every one of its addresses creates rooms and joins channels. */
export const scenario: AbuseScenario = {
  name: "ipv6-host",
  attack: "one IPv6 host uses 30 addresses of its /64 (real sources on lo) to create rooms and join channels past the per-address limits",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    const added = HOST.filter((address) => ip("add", address));
    // Without CAP_NET_ADMIN there are no IPv6 sources to attack from: said in the figures, not failed.
    if (added.length < HOST.length) {
      added.forEach((address) => ip("del", address));
      return { skipped: "cannot add IPv6 addresses to lo (needs root)" };
    }
    try {
      const over = ctx.attackFor(ctx.short ? 4000 : 20_000);
      const addresses = ctx.short ? HOST.slice(0, 10) : HOST;
      const rooms = await Promise.all(addresses.map((from) => holdSeatsFrom(port, from, "create", RoomName.battle, () => ({ private: true }), over, true)));
      const channels = await Promise.all(addresses.map((from, a) => holdSeatsFrom(port, from, "joinOrCreate", RoomName.chat, (n) => ({ channel: `v6-${a}-${n}` }), over, true)));
      const roomsHeld = rooms.reduce((sum, r) => sum + r.held, 0);
      const channelsHeld = channels.reduce((sum, r) => sum + r.held, 0);
      const figures = { addresses: addresses.length, roomsHeld, roomsLimit: ROOMS_PER_ADDRESS, channelsHeld, channelsLimit: CHAT_CHANNELS_PER_ADDRESS };
      assert.ok(roomsHeld <= ROOMS_PER_ADDRESS, `the /64's rooms within one address's limit (${JSON.stringify(figures)})`);
      assert.ok(channelsHeld <= CHAT_CHANNELS_PER_ADDRESS + ROOMS_PER_ADDRESS, `the /64's channels within one address's limits (${JSON.stringify(figures)})`);
      return figures;
    } finally {
      added.forEach((address) => ip("del", address));
    }
  },
};
