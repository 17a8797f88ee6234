/**
 * Exact chat catch-up after a dropped connection: the pure bookkeeping that hands a returning member
 * its missed lines once, and the `since` it names parsed.
 */
import assert from "node:assert/strict";
import { CatchUp } from "../../server/chat/catchUp";
import { parseChatOptions, parseResume } from "../../server/shared/parse";
import type { ChatLine } from "../../server/shared/protocol";

describe("chat catch-up", () => {
  const line = (id: number): ChatLine => ({ id, kind: "user", name: "n", sessionId: "s", playerId: "p", text: `l${id}`, time: 0 });
  const ids = (lines: ChatLine[]) => lines.map((l) => l.id);

  it("buffers live lines while held, then hands out history and the newer buffered lines once", () => {
    const catchUp = new CatchUp(10);
    catchUp.hold("ann");
    assert.deepEqual([...catchUp.skipFor(line(6))], ["ann"]);
    assert.deepEqual([...catchUp.skipFor(line(7))], ["ann"]);
    // History read at Redis already had 6 and 7 (and 8, whose live copy has not arrived yet).
    const out = catchUp.release("ann", 4, [line(5), line(6), line(7), line(8)]);
    assert.deepEqual(ids(out.history), [5, 6, 7, 8]);
    assert.deepEqual(ids(out.live), []);
    assert.ok(catchUp.skipFor(line(8)).has("ann"), "8 came with the history: not again");
    assert.equal(catchUp.skipFor(line(9)).size, 0, "9 is new: broadcast");
  });

  it("sends buffered lines the history read missed after it", () => {
    const catchUp = new CatchUp(10);
    catchUp.hold("ann");
    catchUp.skipFor(line(3));
    catchUp.skipFor(line(4));
    const out = catchUp.release("ann", 1, [line(2), line(3)]);
    assert.deepEqual(ids(out.history), [2, 3]);
    assert.deepEqual(ids(out.live), [4]);
    assert.equal(catchUp.skipFor(line(5)).size, 0);
  });

  it("does not mute new lines for a member whose `since` is ahead of the channel", () => {
    const catchUp = new CatchUp(10);
    catchUp.hold("ann");
    const out = catchUp.release("ann", 500, []);
    assert.deepEqual([...ids(out.history), ...ids(out.live)], []);
    assert.equal(catchUp.skipFor(line(1)).size, 0);
  });

  it("holds at most the buffer limit and forgets a member who leaves", () => {
    const catchUp = new CatchUp(2);
    catchUp.hold("ann");
    for (const id of [1, 2, 3]) catchUp.skipFor(line(id));
    assert.deepEqual(ids(catchUp.release("ann", 0, []).live), [2, 3]);
    catchUp.hold("ben");
    catchUp.forget("ben");
    assert.equal(catchUp.isHeld("ben"), false);
    assert.equal(catchUp.skipFor(line(4)).size, 0);
  });
});

describe("parsing: chat resume", () => {
  it("accepts the last line id seen in join options and in resume", () => {
    assert.deepEqual(parseChatOptions({ channel: "c", since: 41 }), { ok: true, value: { channel: "c", name: undefined, since: 41, ticket: undefined } });
    assert.deepEqual(parseResume({ since: 0 }), { ok: true, value: { since: 0 } });
  });

  it("refuses ids that are not whole numbers from 0", () => {
    for (const since of [-1, 1.5, "3", null, Number.NaN, Infinity, 2 ** 60]) {
      assert.equal(parseChatOptions({ channel: "c", since }).ok, false, String(since));
      assert.equal(parseResume({ since }).ok, false, String(since));
    }
    assert.equal(parseResume({}).ok, false);
    assert.equal(parseResume({ since: 1, extra: 1 }).ok, false);
  });
});
