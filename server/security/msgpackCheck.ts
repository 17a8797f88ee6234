/**
 * A pre-check of every ROOM_DATA frame, run before Colyseus hands the payload to msgpackr
 * (@colyseus/core 0.16.26 Room._onMessage: `unpack(buffer.subarray(it.offset))` right after the
 * message type). It walks the bytes once, allocating nothing, and admits only what the protocol
 * uses: nil, booleans, numbers, strings, arrays and maps with string keys, msgpackr's `undefined`
 * (fixext 1, type 0) and its records (fixext 1, type 0x72: how colyseus.js packs every object),
 * nested at most MSGPACK_MAX_DEPTH deep. Every other extension (BigInt 0x42, whose decoding is
 * quadratic, Error 0x65, structured clones 0x69/0x70, Set 0x73, typed arrays 0x74, RegExp 0x78,
 * bundled strings 0x62, Date -1...), binary data and two-byte record ids are refused, as is a
 * count larger than the bytes left (msgpackr would allocate the array first) and any trailing byte.
 * msgpackr compiles a record's reader with `new Function` from its 4th read in one message, so no
 * record is read more than MSGPACK_RECORD_READS_MAX times.
 */
import { MSGPACK_MAX_DEPTH, MSGPACK_RECORD_READS_MAX } from "../shared/limits";

/** The Colyseus wire codes a client may send (@colyseus/core Protocol). */
export const ClientFrameCode = { JOIN_ROOM: 10, LEAVE_ROOM: 12, ROOM_DATA: 13, ROOM_DATA_BYTES: 17 } as const;

/** msgpackr's extension types that the protocol uses. */
const EXT_UNDEFINED = 0x00;
const EXT_RECORD = 0x72;
/** Record ids of a one-byte record reference: 0x40-0x7f. */
const RECORD_IDS = 64;

/** Why a frame was refused, or undefined when it may be decoded. */
export type FrameProblem = string | undefined;

/** A message scanner, reused message after message (one per connection), so a check allocates nothing. */
export class Scan {
  offset = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  /** Keys per record id defined so far in this message (-1: none), and reads of each. */
  private readonly recordKeys = new Int16Array(RECORD_IDS);
  private readonly recordReads = new Uint8Array(RECORD_IDS);

  /** Starts on `bytes` at `start`, forgetting the records of the message before. */
  start(bytes: Uint8Array, start: number): this {
    this.bytes = bytes;
    this.offset = start;
    this.recordKeys.fill(-1);
    this.recordReads.fill(0);
    return this;
  }

  private get left(): number {
    return this.bytes.length - this.offset;
  }

  private uint(size: 1 | 2 | 4): number {
    const b = this.bytes;
    const o = this.offset;
    this.offset += size;
    if (size === 1) return b[o]!;
    if (size === 2) return (b[o]! << 8) | b[o + 1]!;
    return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
  }

  /** Skips `n` bytes; false when fewer are left. */
  private skip(n: number): boolean {
    if (n > this.left) return false;
    this.offset += n;
    return true;
  }

  /** A string's length after its prefix, or -1 when the byte is no string prefix or the length runs past the end. */
  private stringLength(token: number): number {
    let length: number;
    if (token >= 0xa0 && token <= 0xbf) length = token - 0xa0;
    else if (token === 0xd9 && this.left >= 1) length = this.uint(1);
    else if (token === 0xda && this.left >= 2) length = this.uint(2);
    else if (token === 0xdb && this.left >= 4) length = this.uint(4);
    else return -1;
    return length <= this.left ? length : -1;
  }

  /** One string (a map key or a record's key); a problem, or undefined. */
  private key(): FrameProblem {
    if (this.left < 1) return "cut short";
    const length = this.stringLength(this.uint(1));
    if (length < 0) return "a map key that is not a string";
    this.offset += length;
    return undefined;
  }

  /** `count` values, one level deeper; each takes at least a byte, so a count past the bytes left is refused before anything. */
  private values(count: number, depth: number, perValue = 1): FrameProblem {
    if (depth > MSGPACK_MAX_DEPTH) return `nested deeper than ${MSGPACK_MAX_DEPTH}`;
    if (count * perValue > this.left) return "a count larger than the bytes left";
    for (let i = 0; i < count; i++) {
      if (perValue === 2) {
        const problem = this.key();
        if (problem) return problem;
      }
      const problem = this.value(depth);
      if (problem) return problem;
    }
    return undefined;
  }

  private record(id: number, depth: number): FrameProblem {
    if (++this.recordReads[id]! > MSGPACK_RECORD_READS_MAX) return `a record read more than ${MSGPACK_RECORD_READS_MAX} times`;
    return this.values(this.recordKeys[id]!, depth + 1);
  }

  /** A record definition (after `d4 72`): its id, the array of its keys, then its first values. */
  private recordDefinition(depth: number): FrameProblem {
    if (this.left < 2) return "cut short";
    const id = this.uint(1) & 0x3f;
    const token = this.uint(1);
    let keys: number;
    if (token >= 0x90 && token <= 0x9f) keys = token - 0x90;
    else if (token === 0xdc && this.left >= 2) keys = this.uint(2);
    else return "a record whose keys are not an array";
    if (keys > this.left) return "a count larger than the bytes left";
    for (let i = 0; i < keys; i++) {
      const problem = this.key();
      if (problem) return problem;
    }
    this.recordKeys[id] = keys;
    this.recordReads[id] = 0;
    return this.record(id, depth);
  }

  /** One value at `depth` (0: the payload itself). */
  value(depth: number): FrameProblem {
    if (this.left < 1) return "cut short";
    const token = this.uint(1);
    if (token < 0x40 || token >= 0xe0) return undefined; // fixint
    if (token < 0x80) return this.recordKeys[token - 0x40]! >= 0 ? this.record(token - 0x40, depth) : undefined;
    if (token < 0x90) return this.values(token - 0x80, depth + 1, 2);
    if (token < 0xa0) return this.values(token - 0x90, depth + 1);
    if (token < 0xc0) return this.skip(token - 0xa0) ? undefined : "cut short";
    switch (token) {
      case 0xc0: // nil
      case 0xc2: // false
      case 0xc3: // true
        return undefined;
      case 0xca: // float 32
      case 0xce: // uint 32
      case 0xd2: // int 32
        return this.skip(4) ? undefined : "cut short";
      case 0xcb: // float 64
      case 0xcf: // uint 64
      case 0xd3: // int 64
        return this.skip(8) ? undefined : "cut short";
      case 0xcc: // uint 8
      case 0xd0: // int 8
        return this.skip(1) ? undefined : "cut short";
      case 0xcd: // uint 16
      case 0xd1: // int 16
        return this.skip(2) ? undefined : "cut short";
      case 0xd9:
      case 0xda:
      case 0xdb: {
        const length = this.stringLength(token);
        return length >= 0 && this.skip(length) ? undefined : "cut short";
      }
      case 0xdc:
        return this.left >= 2 ? this.values(this.uint(2), depth + 1) : "cut short";
      case 0xdd:
        return this.left >= 4 ? this.values(this.uint(4), depth + 1) : "cut short";
      case 0xde:
        return this.left >= 2 ? this.values(this.uint(2), depth + 1, 2) : "cut short";
      case 0xdf:
        return this.left >= 4 ? this.values(this.uint(4), depth + 1, 2) : "cut short";
      case 0xd4: {
        if (this.left < 2) return "cut short";
        const type = this.uint(1);
        if (type === EXT_RECORD) return this.recordDefinition(depth);
        if (type === EXT_UNDEFINED) return this.skip(1) ? undefined : "cut short";
        return `extension type 0x${type.toString(16)} (not used by the protocol)`;
      }
      default:
        // bin 8/16/32, ext 8/16/32, fixext 2/4/8/16 (two-byte record ids, BigInt, Date...) and the never-used 0xc1.
        return `msgpack type 0x${token.toString(16)} (not used by the protocol)`;
    }
  }
}

/** Where a message type (Colyseus's string-or-number prefix) ends, or -1 when the prefix is neither or runs past the end. */
function typeEnd(frame: Uint8Array, start: number): number {
  const token = frame[start];
  if (token === undefined) return -1;
  let end: number;
  if (token < 0x80 || token >= 0xe0) end = start + 1;
  else if (token >= 0xa1 && token <= 0xbf) end = start + 1 + (token - 0xa0);
  else if (token === 0xd9) end = start + 2 + (frame[start + 1] ?? Infinity);
  else if (token === 0xda) end = start + 3 + (((frame[start + 1] ?? 0xff) << 8) | (frame[start + 2] ?? 0xff));
  else if (token === 0xcc || token === 0xd0) end = start + 2;
  else if (token === 0xcd || token === 0xd1) end = start + 3;
  else if (token === 0xce || token === 0xd2 || token === 0xca) end = start + 5;
  else if (token === 0xcf || token === 0xd3 || token === 0xcb) end = start + 9;
  else return -1;
  return end <= frame.length ? end : -1;
}

/**
 * What is wrong with one client frame, before anything decodes it, or undefined when nothing is:
 * an empty frame, a code Colyseus does not take from clients, a message type that is neither a
 * string nor a number, a ROOM_DATA payload outside what the protocol uses.
 */
export function frameProblem(frame: Uint8Array, scanner: Scan = new Scan()): FrameProblem {
  const code = frame[0];
  switch (code) {
    case undefined:
      return "an empty frame";
    case ClientFrameCode.JOIN_ROOM:
    case ClientFrameCode.LEAVE_ROOM:
      return frame.length === 1 ? undefined : "bytes after a one-byte code";
    case ClientFrameCode.ROOM_DATA_BYTES:
      return typeEnd(frame, 1) < 0 ? "a message type that is neither a string nor a number" : undefined;
    case ClientFrameCode.ROOM_DATA: {
      const end = typeEnd(frame, 1);
      if (end < 0) return "a message type that is neither a string nor a number";
      if (end === frame.length) return undefined;
      const scan = scanner.start(frame, end);
      const problem = scan.value(0);
      if (problem) return problem;
      return scan.offset === frame.length ? undefined : "bytes after the payload";
    }
    default:
      return `a frame with code ${code}, which clients do not send`;
  }
}
