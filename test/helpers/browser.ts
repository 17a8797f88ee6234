import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import type { Scene } from "../../client/render";
import { buildClient } from "../../scripts/build-client";
import { ROOT } from "./paths";
import { useServer, type Env, type TestServer } from "./server";

/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Where browser tests leave screenshots (gitignored). */
export const TEST_OUTPUT_DIR = join(ROOT, "test-output");
/** Longest a browser test waits for something to show on a page. */
export const PAGE_TIMEOUT_MS = 10_000;

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Chromium (with `extraArgs`, e.g. a browser's own `--host-resolver-rules`), or null when it is
 * missing and we are not in CI (the caller skips loudly).
 * Under CI=true a missing Chromium is an error: .ci/run installs it.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    const message = `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\``;
    if (process.env.CI === "true") throw new Error(message);
    console.warn(`\n  !!! SKIPPING BROWSER TESTS: ${message} !!!\n`);
    return null;
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...FLAGS, ...extraArgs] });
}

export function screenshotPath(name: string): string {
  mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
  return join(TEST_OUTPUT_DIR, name);
}

/** Problems a page reported: uncaught errors and any alert/confirm/prompt (an injection would alert). */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return problems;
}

/** What a browser suite's tests use, ready once its `before` hooks ran. */
export interface BrowserSuite {
  /** The real app the pages play against. */
  readonly server: TestServer;
  /** Where the pages load the client from. */
  readonly baseUrl: string;
  /** Size of the freshly built client bundle. */
  readonly bundleBytes: number;
  /**
   * A page on `path` of the server (or at a full URL, e.g. through a latency proxy), in a fresh
   * browser profile; `options` add to the suite's (a locale, a time zone).
   */
  open(path: string, options?: BrowserContextOptions): Promise<Page>;
}

/**
 * Registers a browser suite's hooks (call inside `describe`): Chromium (or a loud skip), the client
 * built, the real server through useServer; after each test its pages are closed and must have
 * reported no error or dialog.
 */
export function useBrowserSuite(contextOptions: BrowserContextOptions = {}, env: Env = {}): BrowserSuite {
  let browser: Browser | null = null;
  let pages: Pages | null = null;
  let bundleBytes = 0;
  // Skipped without Chromium: the server's boot below is skipped with it.
  before(async function () {
    browser = await launchChromium();
    if (!browser) return this.skip();
    pages = new Pages(browser, contextOptions);
    bundleBytes = (await buildClient()).bundleBytes;
  });
  // Hooks run in the order registered: the pages close before useServer empties the rooms.
  let seen: string[] = [];
  afterEach(async () => {
    seen = (await pages?.closeAll()) ?? [];
  });
  after(() => browser?.close());
  const server = useServer(env);
  afterEach(() => assert.deepEqual(seen.splice(0), [], "pages reported errors or dialogs"));
  return {
    server,
    get baseUrl() {
      return server.httpUrl;
    },
    get bundleBytes() {
      return bundleBytes;
    },
    open: (path, options) => pages!.open(new URL(path, server.httpUrl).href, options),
  };
}

/**
 * The pages of one test, each in a fresh browser profile, watched for errors and dialogs. `closeAll()`
 * after each test closes them and returns what they reported (the test asserts it is nothing).
 */
class Pages {
  private contexts: BrowserContext[] = [];
  private problems: string[][] = [];

  constructor(private readonly browser: Browser, private readonly options: BrowserContextOptions = {}) {}

  async open(url: string, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 720 }, ...this.options, ...options });
    this.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    this.problems.push(watchPage(page));
    await page.goto(url);
    return page;
  }

  async closeAll(): Promise<string[]> {
    await Promise.all(this.contexts.map((context) => context.close()));
    const seen = this.problems.flat();
    this.contexts = [];
    this.problems = [];
    return seen;
  }
}

// Page code is passed as strings: functions compiled by tsx may carry helpers the page lacks.

/** What the page's last frame drew (client/main.ts exposes it as window.game). */
export function scene(page: Page): Promise<Scene | null> {
  return page.evaluate("window.game?.battle?.scene ?? null") as Promise<Scene | null>;
}

/** Evaluates an expression on the page. */
export function pageValue<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/**
 * Resolves when `predicate` (an expression over `scene`, the last drawn frame, and `arg`) holds,
 * checked every frame; fails after PAGE_TIMEOUT_MS.
 */
export async function untilDrawn(page: Page, predicate: string, arg: unknown = null): Promise<void> {
  const expression = `(() => {
    const scene = window.game?.battle?.scene;
    const arg = ${JSON.stringify(arg)};
    return !!scene && (${predicate});
  })()`;
  await page.waitForFunction(expression, undefined, { timeout: PAGE_TIMEOUT_MS });
}
