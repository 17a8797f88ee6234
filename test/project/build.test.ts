import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { Client } from "colyseus.js";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { RoomName } from "../../server/shared/protocol";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { requireRedisServer, startRedis, type RedisProcess } from "../helpers/cluster";
import { freePortPair } from "../helpers/ports";
import { eventually } from "../helpers/wait";
import { until } from "../helpers/rooms";
import { ROOT } from "../helpers/paths";

const run = promisify(execFile);

/** The tracked tree as a fresh clone has it, without node_modules or dist. */
function copyTrackedTree(to: string): Promise<void> {
  return run("git", ["ls-files", "-z"], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).then(({ stdout }) => {
    for (const file of stdout.split("\0").filter(Boolean)) {
      if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree, not yet committed
      mkdirSync(dirname(join(to, file)), { recursive: true });
      cpSync(join(ROOT, file), join(to, file));
    }
  });
}

const npm = (cwd: string, ...args: string[]) => run("npm", [...args, "--no-audit", "--no-fund"], { cwd, maxBuffer: 16 * 1024 * 1024 });

describe("the production build, from a clean clone @slow", function () {
  // npm ci (from the npm cache), esbuild and a prune: about 25 s on a busy 2-core machine.
  this.timeout(120_000);
  let dir: string;
  let server: ServerProcess | undefined;
  let cluster: ServerProcess | undefined;
  let redis: RedisProcess | undefined;

  before(() => (dir = mkdtempSync(join(tmpdir(), "battle-build-"))));
  after(async () => {
    server?.child.kill("SIGKILL");
    cluster?.child.kill("SIGTERM");
    if (cluster) await cluster.exited;
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("npm ci, npm run build, npm prune --omit=dev: start:prod runs with node alone, serves the client and seats a player", async () => {
    const started = performance.now();
    const took: Record<string, number> = {};
    const step = async (name: string, work: () => Promise<unknown>) => {
      const at = performance.now();
      await work();
      took[name] = Math.round(performance.now() - at);
    };
    await step("copy", () => copyTrackedTree(dir));
    await step("ci", () => npm(dir, "ci", "--prefer-offline"));
    await step("build", () => npm(dir, "run", "build"));
    assert.ok(existsSync(join(dir, "dist/server/index.js")), "server JavaScript");
    assert.ok(existsSync(join(dir, "dist/client/index.html")), "client page");
    await step("prune", () => npm(dir, "prune", "--omit=dev"));
    for (const devOnly of ["tsx", "esbuild", "typescript", "mocha", "colyseus.js"]) {
      assert.ok(!existsSync(join(dir, "node_modules", devOnly)), `${devOnly} is pruned`);
    }

    // What start:prod says, run with this node: no tsx, no npm wrapper in between.
    const scripts = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const [command, ...args] = scripts["start:prod"].split(" ");
    assert.equal(command, "node");
    server = await spawnServer({ ADMIN_PASSWORD: "production-build-test", NODE_ENV: "production" }, args, dir);
    const running = server;
    await step("start", () => running.line((l) => l.msg === "listening", "listening"));
    const base = `http://127.0.0.1:${running.port}`;
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    const script = (await page.text()).match(/<script[^>]+src="\/(main\.[A-Z0-9]{8}\.js)"/)?.[1];
    assert.ok(script, "index.html names the hashed bundle");
    const bundle = await fetch(`${base}/${script}`, { headers: { "accept-encoding": "br" } });
    assert.equal(bundle.status, 200);
    assert.equal(bundle.headers.get("content-encoding"), "br", "precompressed by the build");

    const room = await new Client(`ws://127.0.0.1:${running.port}`).joinOrCreate<BattleState>(RoomName.battle, { name: "Prod" });
    const state = await until(room, (s) => s.players?.get(room.sessionId)?.name === "Prod", "the player in the state");
    assert.equal(state.players.size, 1);
    await room.leave();
    assert.deepEqual(running.otherStdout, [], "JSON logs without a terminal");
    if (process.env.BUILD_TIMES === "1") console.log({ ...took, totalMs: Math.round(performance.now() - started) });
  });

  it("after the prune, start:cluster:prod starts and rolls a 2-process cluster with node alone", async function () {
    if (!existsSync(join(dir, "dist/cluster.js"))) this.skip(); // the build above failed
    requireRedisServer(this);
    redis = await startRedis();
    const scripts = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const [command, ...args] = scripts["start:cluster:prod"].split(" ");
    assert.equal(command, "node");
    const port = await freePortPair();
    const env = { ADMIN_PASSWORD: "production-build-test", NODE_ENV: "production", REDIS_URL: redis.url, PORT: String(port) };
    cluster = await spawnServer(env, [...args, "--processes", "2", "--port", String(port)], dir);
    const running = cluster;
    const listening = () => running.lines.filter((l) => l.msg === "listening").length;
    await running.line(() => listening() >= 2, "both processes listening");
    for (const p of [port, port + 1]) assert.equal((await fetch(`http://127.0.0.1:${p}/ready`)).status, 200, `process on ${p} ready`);
    const roll = await run(process.execPath, [...args, "--roll", "--port", String(port)], { cwd: dir });
    assert.match(roll.stdout, /asked the cluster on port \d+ .* to roll/);
    await running.line(() => listening() >= 4, "each process started again");
    // Said on its own line once the second process answers /ready again.
    await eventually(() => running.otherStdout.some((line) => /roll done/.test(line)), "the roll done", 20_000);
  });
});
