import assert from "node:assert/strict";
import { FALLBACK_MAX_BODY_BYTES, RoomName } from "../../../server/shared/protocol";
import { streamBody } from "../../helpers/raw";
import { httpFrom, openPolling, sessionAlive } from "../polling";
import type { AbuseScenario } from "../scenario";

/** Attacking addresses, taken in turn (each joins within its matchmaking rate). */
const FROM = ["127.0.0.43", "127.0.0.44", "127.0.0.45", "127.0.0.46"];
/** What one attacking POST tries to upload. */
const BODY_BYTES = 100 * 1024 * 1024;

/**
 * The fallback's twin of the chunked-body scenario: oversize polling POSTs to live sessions,
 * declared and chunked. Each is refused with 413 before its body is read; the session itself is left
 * to its heartbeat (this attacker never polls).
 */
export const scenario: AbuseScenario = {
  name: "polling-bodies",
  attack: "100 MB polling POSTs to live sessions, declared and chunked, never reading the answer",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    let stop = false;
    const over = ctx.attackFor(ctx.short ? 2000 : 20_000).then(() => (stop = true));
    let uploads = 0;
    let sessionsEnded = 0;
    let largestTakenMb = 0;
    while (!stop) {
      const from = FROM[uploads % FROM.length]!;
      const session = await openPolling(ctx.httpUrl, from, RoomName.battle, {});
      await session.acknowledge();
      const chunked = uploads % 2 === 0;
      const reply = chunked
        ? await streamBody(port, session.path, BODY_BYTES, { untilHangUp: true, localAddress: from })
        : await httpFrom(port, from, "POST", session.path, "b".repeat(FALLBACK_MAX_BODY_BYTES + 1));
      assert.equal(reply.status, 413, `upload ${uploads} (${chunked ? "chunked" : "declared"}) answered ${reply.status}`);
      if ("sentBytes" in reply) largestTakenMb = Math.max(largestTakenMb, (reply.sentBytes as number) / 2 ** 20);
      if (!(await sessionAlive(ctx.httpUrl, from, session))) sessionsEnded++;
      uploads++;
    }
    await over;
    assert.ok(largestTakenMb < 20, `${largestTakenMb.toFixed(1)} MB written before a hang-up`);
    return { uploads, sessionsEnded, largestTakenMb: Number(largestTakenMb.toFixed(1)) };
  },
};
