/**
 * Per-address, per-identity and per-process limits against a real server: each attack is stopped
 * with its own LimitRefusal code, and an honest player from another address is not touched.
 */
import assert from "node:assert/strict";
import { Metrics } from "../../server/telemetry/metrics";
import { createSecretKey } from "node:crypto";
import { mintToken } from "../../scripts/token";
import type { IncomingMessage } from "node:http";
import { AddressLimits } from "../../server/security/addressLimits";
import { addressKey, clientAddress, clientKey } from "../../server/security/clientAddress";
import { LimitRefusal, RoomName } from "../../server/shared/protocol";
import { readSettings } from "../../server/config";
import { clientVia, joinFrom, reserveFrom, useLoopbackIpv6 } from "../helpers/addresses";
import { metricValue } from "../helpers/metrics";
import { hearAll, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

const ATTACKER = "203.0.113.66";
const HONEST = "198.51.100.7";


describe("limits: matchmaking requests per address per second", () => {
  const server = useServer({ TRUSTED_PROXY: "127.0.0.1", MATCHMAKE_PER_ADDRESS_PER_S: "5" });

  it("answers a flood from one address with 429 and code matchmakeRate; another address joins at once", async () => {
    const { port } = server;
    const flood = await Promise.all(
      Array.from({ length: 40 }, () => reserveFrom(port, "127.0.0.1", "joinOrCreate", RoomName.chat, { channel: "flood" }, { "X-Forwarded-For": ATTACKER })),
    );
    const refused = flood.filter((r) => r.status === 429);
    // A burst of 10, and 5 more a second while the flood is under way.
    assert.ok(refused.length >= 40 - 10 - 6, `${refused.length} of 40 refused`);
    assert.ok(refused.every((r) => r.code === LimitRefusal.matchmakeRate && /at most 5 per second/.test(r.error ?? "")));
    const honest = hearAll(await sdkOf(clientVia(port, HONEST)).joinOrCreate(RoomName.battle, { name: "Honest" }));
    assert.ok(honest.sessionId, "the honest address is not limited");
    assert.ok((await metricValue(server.httpUrl, "game_limit_refusals_total", { limit: "matchmakeRate" })) >= refused.length);
  });
});

describe("limits: X-Forwarded-For without a trusted proxy", () => {
  const server = useServer({ MATCHMAKE_PER_ADDRESS_PER_S: "5" });

  it("is ignored: rotating it does not escape the per-address rate", async () => {
    const { port } = server;
    const flood = await Promise.all(
      Array.from({ length: 40 }, (_, i) => reserveFrom(port, "127.0.0.3", "joinOrCreate", RoomName.chat, { channel: "xff" }, { "X-Forwarded-For": `192.0.2.${i}` })),
    );
    // Burst 10 plus what refills at 5/s while 40 requests are answered on a busy machine.
    assert.ok(flood.filter((r) => r.status === 429).length >= 25, `one address, whatever the header says: ${flood.map((r) => r.status).join(",")}`);
    const honest = await reserveFrom(port, "127.0.0.4", "joinOrCreate", RoomName.chat, { channel: "xff" });
    assert.ok(honest.sessionId, "another real address is not limited");
  });
});

describe("limits: rooms created per address", () => {
  // Room for 10 % of the free rooms to be more than 3: ROOMS_PER_ADDRESS is what binds.
  const server = useServer({ TRUSTED_PROXY: "127.0.0.1", ROOMS_PER_ADDRESS: "3", MAX_ROOMS: "100" });

  it("refuses a 4th open room from one address with roomsPerAddress; its joinOrCreate still joins; others create", async () => {
    const { port } = server;
    const attacker = clientVia(port, ATTACKER);
    const own = [];
    for (let i = 0; i < 3; i++) own.push(hearAll(await sdkOf(attacker).create(RoomName.battle, { name: `M${i}` })));
    await assert.rejects(sdkOf(attacker).create(RoomName.battle, {}), { code: LimitRefusal.roomsPerAddress });
    const joined = hearAll(await sdkOf(attacker).joinOrCreate(RoomName.battle, {}));
    assert.ok(own.some((room) => room.roomId === joined.roomId), "joinOrCreate over the limit joins an open room");
    const honest = hearAll(await sdkOf(clientVia(port, HONEST)).create(RoomName.battle, { name: "Honest" }));
    assert.ok(!own.some((room) => room.roomId === honest.roomId), "the honest address makes its own room");
    // Once one of its rooms closes, the address may create again.
    await own.find((room) => room.roomId !== joined.roomId)!.leave();
    await eventually(async () => {
      try {
        hearAll(await sdkOf(attacker).create(RoomName.battle, {}));
        return true;
      } catch {
        return false;
      }
    }, "a room to free up");
  });

});

describe("limits: rooms per process", () => {
  const server = useServer({ TRUSTED_PROXY: "127.0.0.1", ROOMS_PER_ADDRESS: "3", MAX_ROOMS: "5" });

  it("refuses a room past MAX_ROOMS with roomsPerProcess, while joinOrCreate still finds an open room", async () => {
    const { port } = server;
    for (let i = 0; i < 5; i++) hearAll(await sdkOf(clientVia(port, `192.0.2.${10 + i}`)).create(RoomName.battle, {}));
    await assert.rejects(sdkOf(clientVia(port, HONEST)).create(RoomName.battle, {}), { code: LimitRefusal.roomsPerProcess });
    const honest = hearAll(await sdkOf(clientVia(port, HONEST)).joinOrCreate(RoomName.battle, { name: "Honest" }));
    assert.ok(honest.sessionId, "the honest player joins one of the open rooms");
  });
});

describe("limits: rooms created per identity", () => {
  const secret = "address-limits-test-secret-address-limits";
  const key = createSecretKey(Buffer.from(secret));
  const server = useServer({ TRUSTED_PROXY: "127.0.0.1", AUTH_JWT_SECRET: secret, ROOMS_PER_IDENTITY: "2" });

  it("refuses a 3rd open room of one player id from any address with roomsPerIdentity; another player creates", async () => {
    const { port } = server;
    const mallory = await mintToken(key, "HS256", { sub: "mallory" });
    hearAll(await sdkOf(clientVia(port, "192.0.2.1", mallory)).create(RoomName.battle, {}));
    hearAll(await sdkOf(clientVia(port, "192.0.2.2", mallory)).create(RoomName.battle, {}));
    await assert.rejects(sdkOf(clientVia(port, "192.0.2.3", mallory)).create(RoomName.battle, {}), { code: LimitRefusal.roomsPerIdentity });
    const honest = await mintToken(key, "HS256", { sub: "honest" });
    assert.ok(hearAll(await sdkOf(clientVia(port, "192.0.2.3", honest)).create(RoomName.battle, {})).sessionId);
  });
});

describe("limits: sockets and chat channels per address", () => {
  const server = useServer({ MAX_SOCKETS_PER_ADDRESS: "4", CHAT_CHANNELS_PER_ADDRESS: "2" });

  it("refuses a socket past MAX_SOCKETS_PER_ADDRESS from 127.0.0.2 with socketsPerAddress; 127.0.0.1 joins; a closed socket frees its place", async () => {
    const { port } = server;
    const open = [];
    for (let i = 0; i < 4; i++) open.push(await joinFrom(port, "127.0.0.2", RoomName.battle));
    await assert.rejects(joinFrom(port, "127.0.0.2", RoomName.battle), { code: LimitRefusal.socketsPerAddress });
    const honest = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Honest" }));
    assert.ok(honest.sessionId);
    open[0].close();
    const again = await eventually(() => joinFrom(port, "127.0.0.2", RoomName.battle).catch(() => undefined), "a socket place to free up");
    for (const socket of [...open, again]) socket.close();
  });

  it("refuses a 3rd chat channel from one address with chatChannels; its battles and other addresses' channels are not counted", async () => {
    const { port } = server;
    const chats = [await joinFrom(port, "127.0.0.5", RoomName.chat, { channel: "one" }), await joinFrom(port, "127.0.0.5", RoomName.chat, { channel: "two" })];
    await assert.rejects(joinFrom(port, "127.0.0.5", RoomName.chat, { channel: "three" }), { code: LimitRefusal.chatChannels });
    const battle = await joinFrom(port, "127.0.0.5", RoomName.battle);
    for (const channel of ["one", "three"]) hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel }));
    for (const socket of [...chats, battle]) socket.close();
  });
});

describe("limits: bookkeeping", () => {
  it("never lets a counter go below zero, and forgets a room's creator when it closes", () => {
    const limits = new AddressLimits({ ...readSettings({}).limits, roomsPerAddress: 1 }, new Metrics());
    const creator = { address: "192.0.2.9", playerId: undefined };
    limits.roomCreated("r1", creator);
    assert.equal(limits.createRefusal(creator, 0)?.code, LimitRefusal.roomsPerAddress);
    limits.roomDisposed("r1");
    limits.roomDisposed("r1");
    assert.equal(limits.createRefusal(creator, 0), undefined);
    const release = limits.socketOpened("192.0.2.9", true);
    release();
    release();
    assert.equal(limits.socketRefusal("192.0.2.9", true), undefined);
  });
});

describe("limits: the client's address", () => {
  const request = (peer: string, forwardedFor?: string, realIp?: string) =>
    ({
      socket: { remoteAddress: peer },
      headers: { ...(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor }), ...(realIp === undefined ? {} : { "x-real-ip": realIp }) },
    }) as unknown as IncomingMessage;
  const proxies = new Set(["10.0.0.1", "10.0.0.2"]);

  it("believes X-Forwarded-For only from a trusted proxy, and takes the nearest hop that is not one", () => {
    assert.equal(clientAddress(request("192.0.2.1", "6.6.6.6"), proxies), "192.0.2.1", "an untrusted peer's header is ignored");
    assert.equal(clientAddress(request("::ffff:192.0.2.1"), proxies), "192.0.2.1", "IPv4-mapped IPv6 as IPv4");
    assert.equal(clientAddress(request("10.0.0.1", "6.6.6.6, 203.0.113.5"), proxies), "203.0.113.5", "what the client wrote is left of its address");
    assert.equal(clientAddress(request("10.0.0.1", "203.0.113.5, 10.0.0.2"), proxies), "203.0.113.5", "a chain of trusted proxies");
    assert.equal(clientAddress(request("10.0.0.1", "203.0.113.5, junk"), proxies), "10.0.0.1", "a malformed hop: nothing left of it is believed");
    assert.equal(clientAddress(request("10.0.0.1"), proxies), "10.0.0.1", "no header: the proxy itself");
    assert.equal(clientAddress(request("10.0.0.1", undefined, "203.0.113.8"), proxies), "203.0.113.8", "X-Real-IP from a trusted proxy");
    assert.equal(clientAddress(request("192.0.2.1", undefined, "6.6.6.6"), proxies), "192.0.2.1", "X-Real-IP from anyone else is ignored");
    assert.equal(clientAddress(request("10.0.0.1", undefined, "junk"), proxies), "10.0.0.1");
  });
});

describe("limits: one IPv6 client is its /64", () => {
  it("keys every address by one function: IPv4 as it is, IPv4-mapped IPv6 as IPv4, IPv6 by its network of IPV6_PREFIX_BITS", () => {
    assert.equal(addressKey("203.0.113.7", 64), "203.0.113.7");
    assert.equal(addressKey("::ffff:203.0.113.7", 64), "203.0.113.7");
    assert.equal(addressKey("::FFFF:cb00:7107", 64), "203.0.113.7", "mapped, written in hex");
    assert.equal(addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64), "2001:db8:1:2::/64");
    assert.equal(addressKey("2001:0DB8:0001:0002::1", 64), "2001:db8:1:2::/64", "any spelling of the same network");
    assert.equal(addressKey("2001:db8:1:2::1%eth0", 64), "2001:db8:1:2::/64", "a zone names no other host");
    assert.equal(addressKey("2001:db8:1:2:8000::1", 56), "2001:db8:1::/56");
    assert.equal(addressKey("2001:db8:1:2::1", 128), "2001:db8:1:2::1/128");
    assert.equal(addressKey("unknown", 64), "unknown");
    assert.equal(addressKey("127.1", 64), "127.1", "not an address by Node's strict test: left as it is");
    const req = { socket: { remoteAddress: "10.0.0.1" }, headers: { "x-forwarded-for": "2001:db8:9:9::5" } } as unknown as IncomingMessage;
    assert.equal(clientKey(req, { trustedProxies: new Set(["10.0.0.1"]), ipv6PrefixBits: 64 }), "2001:db8:9:9::/64", "behind a trusted proxy too");
  });

  it("refuses IPV6_PREFIX_BITS outside 16-128", () => {
    assert.throws(() => readSettings({ IPV6_PREFIX_BITS: "8" }), /IPV6_PREFIX_BITS" must be from 16 to 128/);
    assert.throws(() => readSettings({ IPV6_PREFIX_BITS: "129" }), /IPV6_PREFIX_BITS/);
    assert.equal(readSettings({ IPV6_PREFIX_BITS: "48" }).limits.ipv6PrefixBits, 48);
  });
});

describe("limits: real IPv6 sources on one /64", () => {
  const sameHost = ["2001:db8:64:1::a", "2001:db8:64:1::b", "2001:db8:64:1:ffff::c"];
  const otherHost = "2001:db8:64:2::a";
  useLoopbackIpv6([...sameHost, otherHost]);
  const server = useServer({ ROOMS_PER_ADDRESS: "2", MATCHMAKE_PER_ADDRESS_PER_S: "3" });

  it("counts rooms and matchmaking requests of every address of one /64 as one client's; another /64 is another client", async () => {
    const [a, b, c] = sameHost;
    assert.ok((await reserveFrom(server.port, a!, "create", RoomName.battle)).sessionId);
    assert.ok((await reserveFrom(server.port, b!, "create", RoomName.battle)).sessionId);
    const third = await reserveFrom(server.port, c!, "create", RoomName.battle);
    assert.equal(third.code, LimitRefusal.roomsPerAddress, "a third address of the same /64");
    assert.ok((await reserveFrom(server.port, otherHost, "create", RoomName.battle)).sessionId, "another /64 creates");
    // Burst 6: a few more requests from the same /64 and it is at its rate.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await reserveFrom(server.port, sameHost[i % 3]!, "joinOrCreate", RoomName.battle)).status);
    assert.ok(statuses.includes(429), `the /64 shares one matchmaking rate: ${statuses.join(",")}`);
  });
});

describe("limits: the fair room cap", () => {
  const limits = new AddressLimits({ ...readSettings({}).limits, maxRooms: 500, roomsPerAddress: 20 }, new Metrics());
  const hold = (address: string, rooms: number) => {
    for (let i = 0; i < rooms; i++) limits.roomCreated(`${address}-${i}`, { address, playerId: undefined });
  };

  it("shrinks each address's share as the process fills, keeps the last rooms for public battles, and says the server is full at the cap", () => {
    hold("192.0.2.1", 4);
    const refusalOf = (address: string, local: number, kind: "public" | "other" = "public") => limits.createRefusal({ address, playerId: undefined }, local, kind)?.code;
    assert.equal(refusalOf("192.0.2.1", 10), undefined, "a quiet server: 4 of its 20");
    assert.equal(refusalOf("192.0.2.1", 470), LimitRefusal.roomShare, "30 rooms free: a share of 3, and it holds 4");
    assert.equal(refusalOf("192.0.2.2", 470), undefined, "a newcomer still gets its share");
    assert.equal(refusalOf("192.0.2.2", 450, "other"), LimitRefusal.roomsPerProcess, "the last 50 rooms: no private battle or channel");
    assert.equal(refusalOf("192.0.2.2", 495, "public"), undefined, "a public battle for quick play still opens");
    assert.equal(refusalOf("192.0.2.2", 500, "public"), LimitRefusal.roomsPerProcess, "full");
    hold("192.0.2.3", 20);
    assert.equal(refusalOf("192.0.2.3", 20), LimitRefusal.roomsPerAddress, "a quiet server still caps an address at ROOMS_PER_ADDRESS");
  });
});
