/**
 * The deploy kit (deploy/Dockerfile, deploy/compose.yaml). Where a container runtime answers, the
 * image is built and run; where none does (`docker info` fails), each service's command and settings
 * are checked outside containers: the image's command is start:prod's (test/project/build.test.ts
 * runs it after the prune), its health check answers for a live server, the game services'
 * environment passes the settings, their addresses match nginx's routes and Prometheus's targets,
 * and Redis starts with the compose file's command.
 */
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { load } from "js-yaml";
import { readSettings } from "../../server/config";
import { REDIS_SERVER, exitCode, requireRedisServer } from "../helpers/cluster";
import { requireInstalled } from "../helpers/installed";
import { ROOT } from "../helpers/paths";
import { freePort } from "../helpers/ports";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

const run = promisify(execFile);
const PROMETHEUS = "/usr/bin/prometheus";
const DEPLOY = join(ROOT, "deploy");
const dockerfile = readFileSync(join(DEPLOY, "Dockerfile"), "utf8");

interface Service {
  image?: string;
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  networks?: { default?: { aliases?: string[] } };
  network_mode?: string;
}
const compose = load(readFileSync(join(DEPLOY, "compose.yaml"), "utf8")) as { services: Record<string, Service> };
const { services } = compose;

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` with the variables an operator sets. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    if (vars[name] !== undefined) return vars[name];
    if (kind === "-") return rest ?? "";
    throw new Error(`${name} unset: ${rest}`);
  });
}
const OPERATOR = { ADMIN_PASSWORD: "a long deploy secret", GRAFANA_PASSWORD: "another secret", GAME_HOST: "game.example.com" };
const envOf = (service: Service) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), OPERATOR)]));
/** The Dockerfile's `<instruction> [...]` in exec form, continuation lines joined. */
const execForm = (instruction: string): string[] => {
  const line = dockerfile.replace(/\\\n\s*/g, "").split("\n").find((l) => l.startsWith(`${instruction} `))!;
  return JSON.parse(line.slice(line.indexOf("[")));
};

describe("deploy kit in a container runtime", function () {
  this.timeout(600_000);
  before(async function () {
    const answers = await run("docker", ["info", "--format", "{{.ServerVersion}}"]).then(() => true, () => false);
    if (answers) return;
    // Not a CI requirement: machines without a container runtime (and without a registry to pull
    // base images from) check the kit outside containers, below.
    const message = "docker info: no container runtime answers here; the deploy kit is checked outside containers only";
    console.warn(`\n  !!! SKIPPED: ${message}\n`);
    this.skip();
  });

  it("builds the image, whose container turns healthy and ready on its own", async () => {
    const tag = "colyseus-battle-chat:test";
    await run("docker", ["build", "-f", "deploy/Dockerfile", "-t", tag, "."], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const { stdout } = await run("docker", ["run", "-d", "--rm", "-e", "ADMIN_PASSWORD=container test secret", "-p", "127.0.0.1::2567", tag]);
    const id = stdout.trim();
    try {
      const user = (await run("docker", ["exec", id, "id", "-u"])).stdout.trim();
      assert.notEqual(user, "0", "runs as a non-root user");
      for (let status = ""; status !== "healthy"; ) {
        status = (await run("docker", ["inspect", "-f", "{{.State.Health.Status}}", id])).stdout.trim();
        assert.notEqual(status, "unhealthy");
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const port = (await run("docker", ["port", id, "2567"])).stdout.trim().split(":").at(-1);
      assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200);
    } finally {
      await run("docker", ["stop", id]);
    }
    await run("docker", ["compose", "-f", "deploy/compose.yaml", "config", "-q"], { cwd: ROOT, env: { ...process.env, ...OPERATOR } });
  });
});

describe("deploy kit, each service outside containers", function () {
  this.timeout(20_000);
  const server = useServer();

  it("the image runs start:prod's command as a non-root user, from a multi-stage build", () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    assert.deepEqual(execForm("CMD"), scripts["start:prod"].split(" "));
    assert.match(dockerfile, /^FROM \S+ AS build$/m);
    assert.match(dockerfile, /^COPY --from=build \/app\/dist \.\/dist$/m, "the run stage takes the build's JavaScript");
    assert.match(dockerfile, /^RUN npm run build && npm prune --omit=dev$/m);
    assert.match(dockerfile, /^USER node$/m);
  });

  it("the image's health check passes for a live server and fails where none answers", async () => {
    const [command, ...args] = execForm("HEALTHCHECK");
    assert.equal(command, "node");
    const check = (port: number) => exitCode(spawn(process.execPath, args, { env: { ...process.env, PORT: String(port) }, stdio: "ignore" }));
    assert.equal(await check(server.port), 0);
    assert.equal(await check(await freePort()), 1);
  });

  it("the game services' settings pass, and their addresses match nginx's routes and Prometheus's targets", () => {
    const nginx = readFileSync(join(DEPLOY, "nginx.conf"), "utf8");
    const prometheus = readFileSync(join(DEPLOY, "prometheus", "prometheus.yml"), "utf8");
    const aliases = services.nginx.networks?.default?.aliases ?? [];
    for (const name of ["game-1", "game-2"]) {
      const service = services[name];
      assert.equal(service.network_mode, "service:nginx", `${name} listens in nginx's network namespace`);
      const settings = readSettings({ NODE_ENV: "production", ...envOf(service) });
      assert.equal(settings.scaling.mode, "redis");
      const port = settings.port;
      assert.ok(settings.scaling.mode === "redis" && settings.scaling.publicAddress === `game.example.com/p${port}`);
      assert.match(nginx, new RegExp(`location /p${port}/ \\{[^}]*proxy_pass http://127\\.0\\.0\\.1:${port}/;`), `nginx routes /p${port}/ to ${name}`);
      assert.ok(nginx.includes(`server 127.0.0.1:${port};`), `${name} takes matchmaking`);
      assert.ok(prometheus.includes(`"${name}:${port}"`) && aliases.includes(name), `Prometheus scrapes ${name}:${port}`);
    }
  });

  it("every file a service mounts is in the repository", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(":")[0];
        if (source === "./certs") continue; // the operator's certificate, made as the file's header says
        assert.ok(existsSync(join(DEPLOY, source)), `${name} mounts ${source}`);
      }
    }
  });

  it("Prometheus scrapes a game process with the compose file's config and the admin password", async function () {
    requireInstalled(this, PROMETHEUS, "the Prometheus service is not run outside containers (apt-get install -y prometheus)");
    const dir = mkdtempSync(join(tmpdir(), "deploy-prometheus-"));
    const { port, child } = await spawnPrometheus(dir, server.port, server.settings.adminPassword);
    try {
      await eventually(async () => {
        // Refused until Prometheus listens.
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/targets`).catch(() => undefined);
        const targets = (await response?.json()) as { data: { activeTargets: { health: string }[] } } | undefined;
        return targets?.data.activeTargets[0]?.health === "up";
      }, "the game process scraped", 15_000, 250);
    } finally {
      child.kill("SIGKILL");
      await exitCode(child);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Redis starts with the compose file's command", async function () {
    requireRedisServer(this);
    const [program, ...args] = services.redis.command!;
    assert.equal(program, "redis-server");
    const port = await freePort();
    const redis = spawn(REDIS_SERVER, [...args, "--port", String(port), "--bind", "127.0.0.1"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      await new Promise<void>((resolve, reject) => {
        let output = "";
        redis.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()) && /Ready to accept connections/.test(output) && resolve());
        redis.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
      });
    } finally {
      redis.kill("SIGKILL");
      await exitCode(redis);
    }
  });
});

/** deploy/prometheus/prometheus.yml as compose mounts it, pointed at `gamePort` (and scraping every second), run by Prometheus. */
async function spawnPrometheus(dir: string, gamePort: number, password: string): Promise<{ port: number; child: ChildProcess }> {
  writeFileSync(join(dir, "password"), password);
  const sample = readFileSync(join(DEPLOY, "prometheus", "prometheus.yml"), "utf8");
  const config = sample
    .replace("password_file: /etc/prometheus/game-admin-password", `password_file: ${join(dir, "password")}`)
    .replace('targets: ["game-1:2567", "game-2:2568"]', `targets: ["127.0.0.1:${gamePort}"]`)
    .replace("scrape_interval: 15s", "scrape_interval: 1s");
  const sampleLines = sample.split("\n");
  assert.equal(config.split("\n").filter((line, i) => line !== sampleLines[i]).length, 3, "the three lines a test changes");
  writeFileSync(join(dir, "prometheus.yml"), config);
  const port = await freePort();
  const args = [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`];
  return { port, child: spawn(PROMETHEUS, args, { stdio: "ignore" }) };
}
