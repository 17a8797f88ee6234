import assert from "node:assert/strict";
import { createSecretKey } from "node:crypto";
import { Client } from "colyseus.js";
import { send } from "../../../client/rooms";
import { ClientMessage, JOIN_NOT_YOUR_SEAT, RoomName, ServerMessage } from "../../../server/shared/protocol";
import { mintToken } from "../../../scripts/token";
import { record } from "../../helpers/chat";
import { spawnServer } from "../../helpers/process";
import { hearAll, nextMessage, sdkOf } from "../../helpers/rooms";
import { eventually } from "../../helpers/wait";
import { loopFor, spreadAddress, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";

const SECRET = "abuse-suite-secret-long-enough-for-hs256";
const KEY = createSecretKey(Buffer.from(SECRET));

/**
 * With its own valid token and player A's reconnection tokens, M asks for A's dropped seats in a
 * battle and a chat channel, from many addresses. Identities exist only in auth mode, so this
 * scenario runs its own server process with AUTH_JWT_SECRET (the honest players stay on the suite's).
 */
export const scenario: AbuseScenario = {
  name: "seat-takeover",
  attack: "another player's valid token with a dropped player's reconnection token, battle and chat (auth mode)",
  async run(ctx) {
    const server = await spawnServer({ AUTH_JWT_SECRET: SECRET, TRUSTED_PROXY: "127.0.0.1", REDIS_URL: "", PUBLIC_ADDRESS: "" });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      await eventually(() => fetch(`${url}/ready`).then((res) => res.ok, () => false), "the auth-mode server ready", 30_000, 100);
      const as = async (sub: string, address: string) => {
        const client = new Client(url, { headers: { "X-Real-IP": address } });
        client.auth.token = await mintToken(KEY, "HS256", { sub, name: sub });
        return client;
      };
      const alice = await as("alice", "10.13.0.1");
      const battle = hearAll(await sdkOf(alice).joinOrCreate(RoomName.battle, {}));
      const chat = hearAll(await sdkOf(alice).joinOrCreate(RoomName.chat, { channel: "takeover" }));
      const bob = hearAll(await sdkOf(await as("bob", "10.13.0.2")).joinOrCreate(RoomName.chat, { channel: "takeover" }));
      const heard = record(bob);
      await waitFor(() => bob.state.members?.size === 2, "both members in");
      const seats = [battle, chat];
      for (const room of seats) {
        const dropped = new Promise<void>((resolve) => room.onLeave(() => resolve()));
        room.connection.close();
        await dropped;
      }
      let refused = 0;
      let admitted = 0;
      /** Attempts after a taken seat was left: the room or seat is gone. */
      let gone = 0;
      const attempts = await loopFor(ctx, ctx.short ? 1000 : 15_000, ctx.short ? 8 : 2000, async (i) => {
        const mallory = await as("mallory", spreadAddress(13, i));
        const seat = seats[i % seats.length];
        try {
          const taken = await mallory.reconnect(seat.reconnectionToken);
          if (seat === chat) taken.send(ClientMessage.chat, { text: "mallory as alice" });
          admitted++;
          await taken.leave();
        } catch (error) {
          if ((error as { code?: number }).code === JOIN_NOT_YOUR_SEAT) refused++;
          else if (admitted > 0) gone++;
          else throw error;
        }
      });
      assert.equal(admitted, 0, `another player took a dropped seat ${admitted} times (then ${gone} attempts found it gone)`);
      // The seats still wait for their player.
      const back = hearAll(await sdkOf(alice).reconnect(RoomName.chat, chat.reconnectionToken));
      const caughtUp = nextMessage(back, ServerMessage.history);
      send(back, ClientMessage.resume, { since: 0 });
      await caughtUp;
      send(back, ClientMessage.chat, { text: "alice is back" });
      await waitFor(() => heard.some((l) => l.text === "alice is back"), "alice's line");
      const battleBack = await alice.reconnect(battle.reconnectionToken);
      await Promise.all([back.leave(), battleBack.leave(), bob.leave()]);
      assert.ok(!heard.some((l) => l.text === "mallory as alice"), "a line said in another player's name");
      return { attempts, refused, admitted };
    } finally {
      server.child.kill("SIGTERM");
    }
  },
};
