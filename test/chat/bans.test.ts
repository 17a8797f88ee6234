/** Bans without a server: targets and prefixes, what a join meets, the bound on the list. */
import { LocalPresence } from "@colyseus/core";
import assert from "node:assert/strict";
import { addressInNetwork, Bans, parseBanTarget } from "../../server/chat/bans";
import { addressKey } from "../../server/security/clientAddress";
import { BANS_MAX, RefusalCode } from "../../server/shared/protocol";

const NOW = Date.UTC(2026, 11, 7);
const HOUR_S = 3600;
const target = (kind: string, value: string) => {
  const parsed = parseBanTarget(kind, value, 64);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

describe("bans", () => {
  it("reads a target as the per-address key does: an IPv6 host is its /64, a mapped IPv4 is IPv4", () => {
    assert.deepEqual(target("address", "203.0.113.7"), { kind: "address", target: "203.0.113.7/32", family: 4, bits: 32 });
    assert.equal(target("address", "203.0.113.77/24").target, "203.0.113.0/24");
    assert.equal(target("address", "2001:db8:1:2:3:4:5:6").target, "2001:db8:1:2::/64");
    assert.equal(target("address", "2001:db8:1:2::/48").target, "2001:db8:1::/48");
    assert.equal(target("address", "::ffff:198.51.100.4").target, "198.51.100.4/32");
    for (const refused of ["10.0.0.0/8", "::/0", "2001:db8::/31", "1.2.3.4/33", "1.2.3", "1.2.3.4/x", "", "x".repeat(200)]) {
      assert.equal(parseBanTarget("address", refused, 64).ok, false, refused);
    }
    assert.equal(parseBanTarget("role", "x", 64).ok, false);
  });

  it("a join meets the ban of its player id, its address, or a prefix around it, until the ban ends", async () => {
    const bans = new Bans(new LocalPresence(), 64);
    await bans.add(target("player", "mallory"), HOUR_S, "spam", "admin", NOW);
    await bans.add(target("address", "2001:db8:7::/48"), HOUR_S, "", "admin", NOW);
    await bans.add(target("address", "198.51.100.0/24"), 60, "", "admin", NOW);
    assert.equal((await bans.banOf("mallory", "192.0.2.1", NOW))?.reason, "spam");
    assert.equal(await bans.banOf("alice", "192.0.2.1", NOW), undefined);
    assert.ok(await bans.banOf("alice", addressKey("2001:db8:7:99::1", 64), NOW));
    assert.equal(await bans.banOf("alice", addressKey("2001:db8:8::1", 64), NOW), undefined);
    assert.ok(await bans.banOf(undefined, "198.51.100.200", NOW));
    assert.equal(await bans.banOf(undefined, "198.51.100.200", NOW + 61_000), undefined, "ended");
    assert.equal(await bans.banOf(undefined, "198.51.101.1", NOW), undefined);
    assert.ok(addressInNetwork(addressKey("2001:db8:7:1::5", 64), "2001:db8:7::/48"));
    assert.equal(addressInNetwork("198.51.100.9", "2001:db8:7::/48"), false);
  });

  it(`holds at most ${BANS_MAX} bans: past it a ban is refused, until expired ones are swept or one is lifted`, async function () {
    this.timeout(60_000);
    const bans = new Bans(new LocalPresence(), 64);
    for (let i = 0; i < BANS_MAX; i++) await bans.add(target("player", `p${i}`), i === 0 ? 60 : HOUR_S, "", "admin", NOW);
    const full = await bans.add(target("player", "one-more"), HOUR_S, "", "admin", NOW);
    assert.equal(full.ok, false);
    assert.equal(!full.ok && full.code, RefusalCode.banListFull);
    assert.equal((await bans.add(target("player", "p5"), HOUR_S, "again", "admin", NOW)).ok, true, "a ban given again replaces its own");
    assert.equal((await bans.add(target("player", "one-more"), HOUR_S, "", "admin", NOW + 61_000)).ok, true, "the expired ban made room");
    const lifted = await bans.remove(target("player", "nobody"), NOW);
    assert.equal(!lifted.ok && lifted.code, RefusalCode.notBanned);
  });
  it("lets a join through unchecked, and says so, when the store that keeps bans does not answer", async () => {
    const silent = new LocalPresence();
    const never = () => new Promise<never>(() => {});
    Object.assign(silent, { hget: never, hgetall: never });
    const told: unknown[] = [];
    const bans = new Bans(silent, 64, (error) => told.push(error));
    assert.equal(await bans.banAtJoin("p1", "10.0.0.1", Date.now()), undefined);
    assert.equal(told.length, 1, "one warning for the join that went on");
    assert.match(String(told[0]), /no answer within/);
  });
});
