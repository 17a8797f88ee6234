import assert from "node:assert/strict";
import { useServer } from "../helpers/server";
import { formatFigures, fuzz } from "../fuzz/engine";
import { JOIN_INVALID_OPTIONS } from "../../server/shared/codes";

/** `npm run fuzz` runs the same with more messages and any seed. */
describe("fuzz: hostile join options and messages at every room and message type", () => {
  const server = useServer();

  it("survives thousands of malformed messages with no crash, no invalid state, honest clients untouched", async function () {
    this.timeout(60_000);
    const figures = await fuzz(server, { seed: 20261121, messages: 3000, parserCalls: 20_000, clientsPerRoom: 4, perTick: 3, joins: 60 });
    console.log(formatFigures(figures).replace(/^/gm, "      "));
    assert.ok(figures.messagesTried >= 3000);
    assert.ok((figures.refusals.invalid_payload ?? 0) > 500, "most hostile payloads reached the parsers");
    assert.ok((figures.refusals.unknown_type ?? 0) > 50);
    assert.ok((figures.tried["lobby:filter"] ?? 0) > 100, "the lobby's filter was fuzzed");
    assert.ok((figures.joins[String(JOIN_INVALID_OPTIONS)] ?? 0) > 10, "hostile join options were refused at matchmaking");
    assert.deepEqual(figures.problems, []);
    assert.equal(figures.crashes, 0);
    assert.equal(figures.invalidStates, 0);
    assert.ok(figures.heapAfterMb - figures.heapBeforeMb < 16, "memory returned near its start");
  });
});
