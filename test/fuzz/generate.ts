/**
 * Hostile values and payloads for the fuzz suite, all drawn from one seeded generator so a seed
 * replays the same inputs.
 */
import { pack, unpack } from "@colyseus/msgpackr";
import { seededRng, type Rng } from "../../server/shared/game";
import { parseAttack, parseChat } from "../../server/shared/parse";
import { ClientMessage, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, RoomName } from "../../server/shared/protocol";

/**
 * An own enumerable property even for "__proto__": a plain assignment would set the prototype, which
 * the local parser refuses but msgpack never sends, so the server would see a different payload.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export class Hostile {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = seededRng(seed);
  }

  chance(p: number): boolean {
    return this.rng() < p;
  }

  int(max: number): number {
    return Math.floor(this.rng() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  number(): number {
    return this.pick([
      NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 1.0000001, -1.0000001, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2,
      Number.MIN_VALUE, 2 ** 32, 2 ** 32 - 1, 2 ** 53, -(2 ** 31), this.rng() * 4 - 2, this.int(2 ** 32),
    ]);
  }

  /** Strings with controls, bidi tricks, lone surrogates, emoji, and sometimes a lot of them. */
  string(): string {
    const pieces = [
      "a", "Z", " ", "\t", "\n", "\u0000", "\u001b[31m", "\u200B", "\u202E", "\u2066", "\uFEFF", "\uD800", "\uDC00",
      "\u0301", "\u{E0041}", "\u3164", "👨‍👩‍👧", "世界", "مرحبا", "__proto__", "constructor", "<script>", "%s%n", "${x}",
    ];
    const length = this.pick([0, 1, 3, 16, 17, 100, 500, 501, 1500, this.int(MAX_MESSAGE_BYTES / 2)]);
    let text = "";
    while (text.length < length) text += this.pick(pieces);
    return text;
  }

  bytes(max = 64): Uint8Array {
    return Uint8Array.from({ length: 1 + this.int(max) }, () => this.int(256));
  }

  /** Any value at all: scalars, strings, bytes, arrays, objects with hostile keys, deep nesting. */
  value(depth = 0): unknown {
    const kind = this.int(depth > 6 ? 6 : 11);
    switch (kind) {
      case 0: return this.number();
      case 1: return this.string();
      case 2: return this.pick([true, false, null, undefined]);
      case 3: return this.int(2 ** 31);
      case 4: return this.bytes();
      case 5: return this.pick(["", "0", "1", "NaN", "Infinity", "true", "{}"]);
      case 6: return Array.from({ length: this.int(5) }, () => this.value(depth + 1));
      case 7: return this.object(depth + 1);
      case 8: return this.deep(10 + this.int(100));
      case 9: return { __proto__: null, constructor: this.value(depth + 1), toString: this.value(depth + 1) };
      default: return { [this.string().slice(0, 40)]: this.value(depth + 1) };
    }
  }

  object(depth: number): Record<string, unknown> {
    const keys = ["dx", "dy", "seq", "text", "x", "y", "hp", "name", "metadata", "filter", "__proto__", "constructor", "target", this.string().slice(0, 20)];
    const out: Record<string, unknown> = {};
    for (let i = this.int(5); i > 0; i--) setOwn(out, this.pick(keys), this.value(depth));
    return out;
  }

  deep(levels: number): unknown {
    let value: unknown = this.number();
    for (let i = 0; i < levels; i++) value = this.chance(0.5) ? [value] : { a: value };
    return value;
  }

  /** A payload for `type`: a near-valid one with one field spoiled, or anything at all. */
  payload(type: ClientMessage): unknown {
    if (this.chance(0.5)) return this.value();
    const valid: Record<string, unknown> =
      type === ClientMessage.move ? { dx: 1, dy: 0, seq: 1 + this.int(1000) }
      : type === ClientMessage.chat ? { text: "hi" }
      : type === ClientMessage.filter ? { name: RoomName.battle, metadata: { map: "1000x1000" } }
      : {};
    const keys = Object.keys(valid);
    const spoil = this.int(3);
    if (spoil === 0 && keys.length > 0) valid[this.pick(keys)] = this.value();
    else if (spoil === 1 && keys.length > 0) delete valid[this.pick(keys)];
    else setOwn(valid, this.pick(["x", "y", "hp", "admin", "__proto__", "seq2"]), this.value());
    return valid;
  }

  /** Join options for room type `name`: near-valid ones with one field spoiled, a wrong protocol, or anything at all. */
  joinOptions(name: RoomName): unknown {
    if (this.chance(0.4)) return this.value();
    const valid: Record<string, unknown> =
      name === RoomName.chat ? { channel: `fuzz-join-${this.int(4)}`, name: "Fuzz" }
      : name === RoomName.lobby ? { filter: { name: RoomName.battle } }
      : { name: "Fuzz", maxPlayers: 2 + this.int(10), private: true };
    const keys = Object.keys(valid);
    const spoil = this.int(4);
    if (spoil === 0) valid[this.pick(keys)] = this.value();
    else if (spoil === 1) setOwn(valid, this.pick(["protocol", "role", "__proto__", "filter", "since"]), this.value());
    else if (spoil === 2) valid.protocol = this.pick([PROTOCOL_VERSION + 1, 0, -1, "1", null, NaN]);
    else delete valid[this.pick(keys)];
    return valid;
  }

  /**
   * A payload the server must refuse: an attack or chat line that happens to be valid would touch
   * the honest clients, whom the fuzz checks for "nothing changed", so those are drawn again.
   */
  refusable(type: ClientMessage): unknown {
    for (;;) {
      const payload = this.payload(type);
      // Judged as the server reads it: msgpack turns lone surrogates into U+FFFD, which is visible text.
      const received = payload === undefined ? undefined : (unpack(pack(payload)) as unknown);
      if (type === ClientMessage.attack && parseAttack(received).ok) continue;
      if (type === ClientMessage.chat && parseChat(received).ok) continue;
      return payload;
    }
  }
}
