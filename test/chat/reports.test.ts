/** Player reports: a line of the channel, with its reporter and context, queued for the moderators; refused with a reason when it makes no sense. */
import assert from "node:assert/strict";
import { send } from "../../client/rooms";
import { ClientMessage, RefusalCode, REPORTS_PER_PLAYER, REPORT_CONTEXT_LINES, RoomName, ServerMessage } from "../../server/shared/protocol";
import { clientVia } from "../helpers/addresses";
import { say } from "../helpers/chat";
import { hearAll, nextError, nextMessage, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";

describe("player reports", () => {
  // Guests' reports are counted by address: each test's players come from addresses of their own.
  const server = useServer({ TRUSTED_PROXY: "127.0.0.1" });
  let lastAddress = 0;
  const from = () => sdkOf(clientVia(server.port, `198.51.100.${++lastAddress}`));

  async function channel(name: string) {
    const ann = hearAll(await from().joinOrCreate(RoomName.chat, { channel: name, name: "Ann" }));
    const ben = hearAll(await from().joinOrCreate(RoomName.chat, { channel: name, name: "Ben" }));
    await nextMessage(ben, ServerMessage.history);
    return { ann, ben };
  }

  const openReports = () => server.context.moderation.reports.list();
  afterEach(async () => {
    for (const report of await openReports()) await server.context.moderation.reports.take(report.id);
  });

  it("records the line, the reporter and the lines around it, and answers `reported`", async () => {
    const { ann, ben } = await channel("reports-a");
    const said = [];
    for (const text of ["one", "two", "rude", "four", "five"]) said.push(await say(ann, text, ben));
    const rude = said[2]!;
    const answered = nextMessage(ben, ServerMessage.reported);
    send(ben, ClientMessage.report, { lineId: rude.id });
    assert.deepEqual(await answered, { lineId: rude.id });
    const [report] = await openReports();
    assert.equal(report!.line.text, "rude");
    assert.equal(report!.channel, "reports-a");
    assert.equal(report!.reporter.name, "Ben");
    // REPORT_CONTEXT_LINES before and after, whatever their kind ("Ben joined" is a line too).
    assert.equal(REPORT_CONTEXT_LINES, 3);
    assert.deepEqual(report!.context.map((line) => line.text), ["Ben joined", "one", "two", "rude", "four", "five"]);
  });

  it("refuses a report of one's own line, of a line that does not exist, and the same report twice", async () => {
    const { ann, ben } = await channel("reports-b");
    const own = await say(ben, "mine", ben);
    send(ben, ClientMessage.report, { lineId: own.id });
    assert.equal((await nextError(ben)).code, RefusalCode.reportSelf);
    send(ben, ClientMessage.report, { lineId: own.id + 1000 });
    const missing = await nextError(ben);
    assert.equal(missing.code, RefusalCode.noSuchLine);
    assert.match(missing.message, /no such line/);
    const theirs = await say(ann, "theirs", ben);
    send(ben, ClientMessage.report, { lineId: theirs.id });
    await nextMessage(ben, ServerMessage.reported);
    send(ben, ClientMessage.report, { lineId: theirs.id });
    assert.equal((await nextError(ben)).code, RefusalCode.reportedAlready);
    send(ben, ClientMessage.report, { lineId: -1 });
    assert.equal((await nextError(ben)).code, RefusalCode.invalidPayload);
    assert.equal((await openReports()).length, 1, "only the one good report is queued");
  });

  it(`takes ${REPORTS_PER_PLAYER.burst} reports from one player at once, then refuses with rate_limited`, async () => {
    const { ann, ben } = await channel("reports-c");
    const lines = [];
    for (let i = 0; i <= REPORTS_PER_PLAYER.burst; i++) lines.push(await say(ann, `line ${i}`, ben));
    for (const line of lines.slice(0, REPORTS_PER_PLAYER.burst)) {
      const answered = nextMessage(ben, ServerMessage.reported);
      send(ben, ClientMessage.report, { lineId: line.id });
      await answered;
    }
    send(ben, ClientMessage.report, { lineId: lines.at(-1)!.id });
    assert.equal((await nextError(ben)).code, RefusalCode.rateLimited);
    assert.equal((await openReports()).length, REPORTS_PER_PLAYER.burst);
    // Ann, who reported nothing, still may.
    const benLine = await say(ben, "hello", ann);
    const answered = nextMessage(ann, ServerMessage.reported);
    send(ann, ClientMessage.report, { lineId: benLine.id });
    await answered;
  });
});
