import assert from "node:assert/strict";
import { MemoryChatHistory, chatTopic, type ChatDraft } from "../server/chat/history";
import type { ChatLine } from "../server/shared/protocol";

const draft = (text: string): ChatDraft => ({ kind: "user", name: "Ann", sessionId: "s", playerId: "p", text, time: 0 });

describe("in-memory chat history", () => {
  it("numbers lines per channel, keeps the newest ones and publishes each on the channel's topic", async () => {
    const published: [string, ChatLine][] = [];
    const history = new MemoryChatHistory(3, (topic, line) => published.push([topic, line]), 10);
    for (const text of ["a", "b", "c", "d"]) await history.append("one", draft(text));
    await history.append("two", draft("x"));
    assert.deepEqual((await history.after("one", 0, 10)).map((l) => [l.id, l.text]), [[2, "b"], [3, "c"], [4, "d"]]);
    assert.deepEqual((await history.after("one", 3, 10)).map((l) => l.text), ["d"]);
    assert.deepEqual((await history.after("two", 0, 10)).map((l) => [l.id, l.text]), [[1, "x"]]);
    assert.deepEqual(published.map(([topic, line]) => [topic, line.id]), [
      [chatTopic("one"), 1], [chatTopic("one"), 2], [chatTopic("one"), 3], [chatTopic("one"), 4], [chatTopic("two"), 1],
    ]);
  });

  it("holds at most maxChannels channels, dropping the least recently used", async () => {
    const history = new MemoryChatHistory(5, () => {}, 2);
    await history.append("a", draft("a1"));
    await history.append("b", draft("b1"));
    await history.append("a", draft("a2")); // "a" is now the most recently used
    await history.append("c", draft("c1")); // a third channel: "b" goes
    assert.deepEqual(await history.after("b", 0, 10), []);
    assert.equal((await history.after("a", 0, 10)).length, 2);
    assert.equal((await history.after("c", 0, 10)).length, 1);
    // A dropped channel starts again at id 1, as after an expired Redis history.
    assert.equal((await history.append("b", draft("b2"))).id, 1);
  });
});
