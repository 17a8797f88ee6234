/**
 * What a player downloads (docs/performance.md "Page weight"): the first load takes index.html and the
 * hashed files compressed; a repeat load takes index.html only, the hashed files from the browser's
 * cache. Measured in Chromium through the DevTools protocol; ASSET_BYTES=1 prints the figures.
 */
import assert from "node:assert/strict";
import type { CDPSession, Page } from "playwright-core";
import { HASHED_ASSET_PATH } from "../../server/shared/assets";
import { useBrowserSuite } from "../helpers/browser";

interface Fetched {
  path: string;
  status: number;
  encoding: string | undefined;
  cacheControl: string | undefined;
  /** Bytes on the wire, headers included. */
  bytes: number;
}

/** Every HTTP request of `page` that reached the network (not the browser's cache) while `load` runs. */
async function fetchedDuring(cdp: CDPSession, load: () => Promise<unknown>): Promise<Fetched[]> {
  const responses = new Map<string, Omit<Fetched, "bytes">>();
  const fromCache = new Set<string>();
  const fetched: Fetched[] = [];
  const onResponse = ({ requestId, response }: { requestId: string; response: { url: string; status: number; headers: Record<string, string>; fromDiskCache?: boolean } }) => {
    if (response.fromDiskCache) fromCache.add(requestId);
    const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), value]));
    responses.set(requestId, { path: new URL(response.url).pathname, status: response.status, encoding: headers["content-encoding"], cacheControl: headers["cache-control"] });
  };
  const onCached = ({ requestId }: { requestId: string }) => fromCache.add(requestId);
  const onFinished = ({ requestId, encodedDataLength }: { requestId: string; encodedDataLength: number }) => {
    const response = responses.get(requestId);
    if (response && !fromCache.has(requestId)) fetched.push({ ...response, bytes: encodedDataLength });
  };
  cdp.on("Network.responseReceived", onResponse);
  cdp.on("Network.requestServedFromCache", onCached);
  cdp.on("Network.loadingFinished", onFinished);
  try {
    await load();
  } finally {
    cdp.off("Network.responseReceived", onResponse);
    cdp.off("Network.requestServedFromCache", onCached);
    cdp.off("Network.loadingFinished", onFinished);
  }
  return fetched;
}

/** The page's own files: index.html and the hashed files (not the game's API or sockets). */
const isFile = (path: string) => path === "/" || path === "/index.html" || HASHED_ASSET_PATH.test(path);

describe("page weight: first and repeat load (Chromium)", function () {
  this.timeout(45_000);
  const suite = useBrowserSuite();

  async function ready(page: Page, url: string): Promise<void> {
    await page.goto(url);
    // The lobby lists its rooms ("no open battles yet") once connected.
    await page.waitForSelector("#room-list li");
  }

  it("loads the hashed files compressed and immutable once, then only index.html", async () => {
    const page = await suite.open("about:blank");
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    const base = `${suite.baseUrl}/`;
    const first = (await fetchedDuring(cdp, () => ready(page, base))).filter((file) => isFile(file.path));
    const hashed = first.filter((file) => HASHED_ASSET_PATH.test(file.path));
    assert.equal(hashed.length, 2, `script and style: ${first.map((file) => file.path).join(", ")}`);
    for (const file of hashed) {
      assert.equal(file.encoding, "br", `${file.path} compressed`);
      assert.equal(file.cacheControl, "public, max-age=31536000, immutable");
    }
    // A player coming back: a new navigation to the same page in the same browser.
    const repeat = (await fetchedDuring(cdp, () => ready(page, base))).filter((file) => isFile(file.path));
    assert.deepEqual(repeat.map((file) => file.path), ["/"], "only index.html is fetched again");
    const sum = (files: Fetched[]) => files.reduce((total, file) => total + file.bytes, 0);
    if (process.env.ASSET_BYTES === "1") {
      console.log(`      first load: ${sum(first)} bytes (${first.map((file) => `${file.path} ${file.status} ${file.bytes}`).join(", ")})`);
      console.log(`      repeat load: ${sum(repeat)} bytes (${repeat.map((file) => `${file.path} ${file.status} ${file.bytes}`).join(", ")}); bundle ${suite.bundleBytes} bytes minified`);
    }
    assert.ok(sum(repeat) < sum(first) / 10, "a repeat load costs a tenth of the first or less");
  });
});
