/**
 * Runs the nginx sample (deploy/nginx.conf, docs/scaling.md) for real in front of two processes, with only
 * the ports changed. Skipped loudly without nginx (apt-get install -y nginx); with CI=true, a failure.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type Room as ClientRoom } from "colyseus.js";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { ClientMessage, RoomName } from "../../server/shared/protocol";
import { requireRedisServer, startRedis, startServer, type RedisProcess, type ServerProcess } from "../helpers/cluster";
import { eventually } from "../helpers/wait";
import { freePort } from "../helpers/ports";
import { requireInstalled } from "../helpers/installed";
import { hearAll, sdkOf, until } from "../helpers/rooms";
import { asRoom, send } from "../../client/rooms";

const NGINX = "/usr/sbin/nginx";

describe("nginx in front of two processes (deploy/nginx.conf)", function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let servers: ServerProcess[] = [];
  let nginx: ChildProcess | undefined;
  let prefix: string | undefined;
  let endpoint: string;
  const rooms: ClientRoom[] = [];

  before(async function () {
    requireRedisServer(this);
    requireInstalled(this, NGINX, "the nginx sample was not run (apt-get install -y nginx)");
    const [listen, first, second] = [await freePort(), await freePort(), await freePort()];
    const ports: Record<string, number> = { "8080": listen, "2567": first, "2568": second };
    const sample = readFileSync("deploy/nginx.conf", "utf8").replace(/8080|2567|2568/g, (port) => String(ports[port]));
    prefix = mkdtempSync(join(tmpdir(), "nginx-"));
    mkdirSync(join(prefix, "logs"));
    writeFileSync(join(prefix, "colyseus.conf"), sample);
    writeFileSync(
      join(prefix, "nginx.conf"),
      `daemon off; pid ${prefix}/nginx.pid; error_log ${prefix}/logs/error.log;
       events {}
       http { access_log off; client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;
              include ${prefix}/colyseus.conf; }`,
    );

    redis = await startRedis();
    servers = await Promise.all([first, second].map((port) => startServer(redis.url, port, `127.0.0.1:${listen}/p${port}`)));
    nginx = spawn(NGINX, ["-p", prefix, "-c", join(prefix, "nginx.conf")], { stdio: ["ignore", "inherit", "inherit"] });
    endpoint = `127.0.0.1:${listen}`;
    await eventually(
      async () => ((await fetch(`http://${endpoint}/__healthcheck`).catch(() => undefined))?.ok ? true : undefined),
      "nginx to answer",
    );
  });
  after(async () => {
    await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
    nginx?.kill("SIGQUIT");
    await Promise.all(servers.map((server) => server.stop("SIGKILL")));
    await redis?.stop();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  it("matchmakes through nginx and routes each room's websocket to the process hosting it", async () => {
    const client = new Client(`ws://${endpoint}`);
    const hostedBy = new Set<string>();
    // Placement spreads rooms at random among equally loaded processes: create until both host one.
    for (let attempt = 0; attempt < 20 && hostedBy.size < 2; attempt++) {
      const reservation = await (
        await fetch(`http://${endpoint}/matchmake/create/${RoomName.battle}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).json();
      const address: string = reservation.room.publicAddress;
      if (hostedBy.has(address)) continue;
      hostedBy.add(address);
      assert.match(address, new RegExp(`^${endpoint}/p(${servers.map((s) => s.port).join("|")})$`));

      const owner = hearAll(asRoom(RoomName.battle, await client.consumeSeatReservation<BattleState>(reservation)));
      const guest = hearAll(await sdkOf(client).joinById(RoomName.battle, reservation.room.roomId, {}));
      rooms.push(owner, guest);
      const state = await until(guest, (s) => s.players?.has(guest.sessionId), "guest in state");
      const x0 = state.players.get(guest.sessionId)!.x;
      send(guest, ClientMessage.move, { dx: x0 < 500 ? 1 : -1, dy: 0, seq: 1 });
      // Each client gets only its own ack: the guest learns the move was applied, the owner sees it moved.
      await until(guest, (s) => s.players.get(guest.sessionId)?.lastInput === 1, "the guest's ack");
      await until(owner, (s) => s.players.get(guest.sessionId)?.x !== x0, "owner sees the guest's move");
    }
    assert.equal(hostedBy.size, 2, "both processes hosted a room reached through nginx");
  });
});
