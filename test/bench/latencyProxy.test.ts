/**
 * The latency proxy the netcode and browser tests play through: it may delay, never reorder or
 * lose, since a reordered chunk corrupts whatever the page or client receives (CI once saw the
 * client bundle arrive scrambled: "Unexpected string").
 */
import assert from "node:assert/strict";
import { createServer, connect, type AddressInfo, type Server } from "node:net";
import { latencyProxy } from "../helpers/latency";

describe("latency proxy (test harness)", () => {
  let echo: Server;
  before(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  });
  after(() => new Promise<void>((resolve) => echo.close(() => resolve())));

  it("delivers many small writes with jitter intact and in order, both ways", async () => {
    const proxy = await latencyProxy((echo.address() as AddressInfo).port, { rttMs: 20, jitterMs: 10, seed: 5 });
    try {
      const { port } = new URL(proxy.endpoint);
      const socket = connect(Number(port), "127.0.0.1");
      const sent: Buffer[] = [];
      for (let i = 0; i < 2000; i++) sent.push(Buffer.from(`${i},`));
      const expected = Buffer.concat(sent);
      const received = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let length = 0;
        socket.on("data", (chunk) => {
          chunks.push(chunk);
          length += chunk.length;
          if (length >= expected.length) resolve(Buffer.concat(chunks));
        });
        socket.on("error", reject);
        // Bursts within one loop turn, then spread over turns: the two ways chunks can be reordered.
        let next = 0;
        const burst = () => {
          for (let k = 0; k < 50 && next < sent.length; k++) socket.write(sent[next++]);
          if (next < sent.length) setImmediate(burst);
        };
        socket.setNoDelay(true);
        burst();
      });
      socket.destroy();
      const firstDifference = expected.findIndex((byte, i) => received[i] !== byte);
      assert.equal(received.length, expected.length, "bytes lost or added");
      assert.equal(firstDifference, -1, `stream differs from byte ${firstDifference}: reordered`);
    } finally {
      await proxy.close();
    }
  });
});
