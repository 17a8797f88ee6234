import assert from "node:assert/strict";
import { MATCHMAKE_SPELLINGS } from "../../fuzz/http";
import { streamBody } from "../../helpers/raw";
import type { AbuseScenario } from "../scenario";

/** What one attacking connection tries to upload. */
const BODY_BYTES = 100 * 1024 * 1024;

export const scenario: AbuseScenario = {
  name: "chunked-body",
  attack: "100 MB chunked bodies to every spelling of a matchmaking URL, never reading the answer",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    let stop = false;
    const over = ctx.attackFor(ctx.short ? 2000 : 20_000).then(() => (stop = true));
    let uploads = 0;
    let largestTakenMb = 0;
    while (!stop) {
      for (const path of ctx.short ? MATCHMAKE_SPELLINGS.slice(0, 4) : MATCHMAKE_SPELLINGS) {
        const reply = await streamBody(port, path, BODY_BYTES, { untilHangUp: true, localAddress: "127.0.0.7" });
        assert.equal(reply.status, 413, `${path.slice(0, 40)} answered ${reply.status}`);
        largestTakenMb = Math.max(largestTakenMb, reply.sentBytes / 2 ** 20);
        uploads++;
      }
    }
    await over;
    // What the socket took before the hang-up: kernel buffers, a few MB, never the body.
    assert.ok(largestTakenMb < 20, `${largestTakenMb.toFixed(1)} MB written before a hang-up`);
    return { uploads, largestTakenMb: Number(largestTakenMb.toFixed(1)) };
  },
};
