import assert from "node:assert/strict";
import { CHAT_CHANNELS_PER_ADDRESS, LimitRefusal, RoomName } from "../../../server/shared/protocol";
import { holdSeatsFrom } from "../../helpers/addresses";
import type { AbuseScenario } from "../scenario";

export const scenario: AbuseScenario = {
  name: "chat-channel-hog",
  attack: "one address joins a fresh chat channel after another, each a room with its own history",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    const over = ctx.attackFor(ctx.short ? 4000 : 20_000);
    const { held, refusedWith } = await holdSeatsFrom(port, "127.0.0.5", "joinOrCreate", RoomName.chat, (n) => ({ channel: `hog-${n}` }), over, ctx.short);
    assert.equal(refusedWith, LimitRefusal.chatChannels, "the address was stopped by its chat channel limit");
    assert.ok(held <= CHAT_CHANNELS_PER_ADDRESS, `${held} channels joined`);
    return { channelsJoined: held, refusedWith: refusedWith ?? 0 };
  },
};
