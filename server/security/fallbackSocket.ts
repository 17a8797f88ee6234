/**
 * An engine.io session (long polling, or upgraded to engine.io's own WebSocket) in the shape of a
 * `ws` WebSocket, so that Colyseus's WebSocketClient, its rooms and every guard written for a socket
 * (wire guard, backpressure, proof of reading, wire meter, seats) take it as they take a socket: one
 * path, not a copy. What a WebSocket carries in frames travels as text packets (server/shared/fallback.ts):
 * close codes, and the proof-of-reading ping and pong.
 *
 * Events as `ws` emits them: "message" (a Buffer: every binary packet, and any text packet that is
 * not ours, which the wire guard then refuses as malformed), "pong" (a nonce), "ping" (a frame that
 * carries no message: each HTTP request and each engine.io heartbeat, charged by the wire guard),
 * "close" (code, reason).
 */
import { EventEmitter } from "node:events";
import type { Socket as EngineSocket } from "engine.io";
import { controlText, parseControl } from "../shared/fallback";
import { MAX_MESSAGE_BYTES } from "../shared/limits";

/** What `ws` calls an abnormal closure: the session ended without a close packet. */
const CLOSE_ABNORMAL = 1006;
const CLOSE_NO_STATUS = 1005;
/** What `ws` closes with for a message over maxPayload (a protocol error: no seat kept). */
const CLOSE_TOO_BIG = 1009;

/** Stands in for the TCP socket where the guards read one: bytes handed over so far, and "data" for bytes received. */
class Wire extends EventEmitter {
  bytesWritten = 0;
  /** A packet is one write already (server/rooms/interestViews.ts corks a socket around a message's fragments). */
  cork(): void {}
  uncork(): void {}
}

type Transport = "polling" | "upgraded";
/** What the typings keep private and the guards must read: the session id and the packets waiting to be sent. */
type EngineInternals = { id: string; writeBuffer: { data?: unknown }[] };

export class FallbackSocket extends EventEmitter {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 1;
  /** Read by the guards as `ws`'s `_socket` (server/security/readProof.ts, wireSocket.ts). */
  readonly _socket = new Wire();
  private closeCode = CLOSE_ABNORMAL;
  private closeReason = "";
  /** Fragments of a message being sent (`fin: false`), until its last. */
  private readonly fragments: Buffer[] = [];

  constructor(readonly engine: EngineSocket) {
    super();
    engine.on("message", (data: Buffer | string) => this.received(data));
    engine.on("packet", (packet: { type: string }) => packet.type === "pong" && this.emit("ping"));
    engine.on("upgrade", (transport: { socket?: { _socket?: EventEmitter } }) => {
      // Upgraded: bytes arrive on engine.io's own WebSocket, charged as they arrive, before it parses them.
      transport.socket?._socket?.prependListener("data", (chunk: Buffer) => this.receivedBytes(chunk));
    });
    engine.once("close", () => {
      this.readyState = this.CLOSED;
      this.emit("close", this.closeCode, Buffer.from(this.closeReason));
    });
  }

  /** engine.io's session id (the `sid` of its requests). */
  get sessionId(): string {
    return (this.engine as unknown as EngineInternals).id;
  }

  /** `websocket`-like label for metrics: still polling, or upgraded to a WebSocket. */
  get transportLabel(): Transport {
    return this.engine.upgraded ? "upgraded" : "polling";
  }

  /** Bytes waiting in engine.io's write buffer (sent once the client polls). */
  get bufferedAmount(): number {
    let bytes = 0;
    for (const packet of (this.engine as unknown as EngineInternals).writeBuffer) bytes += byteLength(packet.data);
    return bytes;
  }

  /** Bytes of an HTTP request body (or an upgraded socket's) for this session, before engine.io parses them. */
  receivedBytes(chunk: Buffer): void {
    this._socket.emit("data", chunk);
  }

  /** One HTTP request of this session: a frame that carries no message. */
  receivedRequest(): void {
    this.emit("ping");
  }

  /**
   * As `ws` sends: `fin: false` starts or continues a fragmented message, sent whole with its last
   * fragment. Always a copy: Colyseus sends views of buffers it reuses, and a packet may wait for the next poll.
   */
  send(data: ArrayLike<number>, options?: { fin?: boolean }, cb?: (err?: Error) => void): void {
    if (this.readyState !== this.OPEN) return;
    const bytes = Buffer.from(data as Uint8Array);
    if (options?.fin === false) return void this.fragments.push(bytes);
    const whole = this.fragments.length > 0 ? Buffer.concat([...this.fragments.splice(0), bytes]) : bytes;
    this._socket.bytesWritten += whole.length;
    this.engine.send(whole, {}, cb ? () => cb() : undefined);
  }

  /** Proof of reading (./readProof.ts): the client answers with the nonce once it has read everything before. */
  ping(nonce: Buffer): void {
    if (this.readyState !== this.OPEN) return;
    this.sendText(controlText({ kind: "ping", nonce: nonce.toString("hex") }));
  }

  /** Sends the close code as the session's last packet, then ends the session once it is out. */
  close(code?: number, reason?: string | Buffer): void {
    if (this.readyState !== this.OPEN) return;
    this.closeCode = code ?? CLOSE_NO_STATUS;
    this.closeReason = String(reason ?? "");
    this.sendText(controlText({ kind: "close", code: this.closeCode, reason: this.closeReason }));
    this.readyState = this.CLOSING;
    this.engine.close();
  }

  /** Ends the session at once, whatever is still queued. */
  terminate(): void {
    if (this.readyState === this.CLOSED) return;
    this.readyState = this.CLOSING;
    this.engine.close(true);
  }

  private sendText(text: string): void {
    this._socket.bytesWritten += Buffer.byteLength(text);
    this.engine.send(text);
  }

  private received(data: Buffer | string): void {
    if (this.readyState !== this.OPEN) return;
    // The socket's message cap (ws's maxPayload): one packet of a batch may not be larger.
    if (byteLength(data) > MAX_MESSAGE_BYTES) return this.close(CLOSE_TOO_BIG, "message too big");
    if (typeof data !== "string") return void this.emit("message", data);
    const control = parseControl(data);
    if (control?.kind === "pong") return void this.emit("pong", Buffer.from(control.nonce, "hex"));
    if (control?.kind === "close") {
      this.closeCode = control.code;
      this.readyState = this.CLOSING;
      return this.engine.close();
    }
    // Not ours: the wire guard sees it as the message frame it claims to be, and refuses it.
    this.emit("message", Buffer.from(data));
  }
}

function byteLength(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data);
  if (data instanceof Uint8Array) return data.byteLength;
  return 0;
}
