/**
 * How the client reaches a room: a WebSocket first; when it cannot open (an error, or no `open`
 * within WEBSOCKET_OPEN_TIMEOUT_MS), the same reserved seat over engine.io (HTTP long polling,
 * upgrading to a WebSocket when the network allows it; docs/protocol.md "Fallback transport").
 * A page that needed the fallback once goes straight to it for the rest of its session.
 */
import { Client, type Room } from "colyseus.js";
import { Socket as EngineSocket } from "engine.io-client";
import { controlText, fallbackPath, parseControl, WEBSOCKET_OPEN_TIMEOUT_MS, type FallbackReason } from "../server/shared/fallback";

/** colyseus.js's transport events (ITransportEventMap) and transport (ITransport), as Room.connect uses them. */
interface TransportEvents {
  onopen?: ((ev: unknown) => unknown) | null;
  onmessage?: ((ev: { data: unknown }) => unknown) | null;
  onclose?: ((ev: { code: number; reason: string }) => unknown) | null;
  onerror?: ((ev: unknown) => unknown) | null;
}
interface Transport {
  readonly isOpen: boolean;
  send(data: Uint8Array): void;
  sendUnreliable(data: Uint8Array): void;
  connect(url: string, headers?: unknown): void;
  close(code?: number, reason?: string): void;
}

/** What a WebSocket constructor needs to be here (the browser's, or `ws` in Node tests). */
type WebSocketLike = {
  readyState: number;
  binaryType: string;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
};
type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;
const CLOSE_ABNORMAL = 1006;
const REMEMBERED_KEY = "transport.fallback";

export type TransportMode = "websocket" | "polling" | "upgraded";

/** One page's choice: shared by all its clients, remembered for the tab's session (sessionStorage). */
export class TransportChoice {
  private fellBack: boolean;
  mode: TransportMode = "websocket";
  private readonly listeners = new Set<(mode: TransportMode) => void>();

  constructor(
    private readonly storage: Pick<Storage, "getItem" | "setItem"> | undefined = globalThis.sessionStorage,
    readonly WebSocketImpl: WebSocketConstructor = globalThis.WebSocket as unknown as WebSocketConstructor,
    readonly openTimeoutMs = WEBSOCKET_OPEN_TIMEOUT_MS,
  ) {
    this.fellBack = storage?.getItem(REMEMBERED_KEY) === "1";
  }

  get remembered(): boolean {
    return this.fellBack;
  }

  rememberFallback(): void {
    this.fellBack = true;
    this.storage?.setItem(REMEMBERED_KEY, "1");
  }

  /** The latest connection's transport. */
  connected(mode: TransportMode): void {
    this.mode = mode;
    for (const listener of this.listeners) listener(mode);
  }

  onChange(listener: (mode: TransportMode) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A colyseus.js transport: a WebSocket, or engine.io when the WebSocket cannot open. */
export class FallbackTransport implements Transport {
  private ws: WebSocketLike | undefined;
  private engine: EngineSocket | undefined;
  private closeCode = CLOSE_ABNORMAL;
  private closeReason = "";
  /** Gives the WebSocket up when it has not opened in time. */
  private openTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly events: TransportEvents,
    private readonly choice: TransportChoice,
  ) {}

  get isOpen(): boolean {
    if (this.engine) return this.engine.readyState === "open";
    return this.ws?.readyState === OPEN;
  }

  connect(url: string): void {
    if (this.choice.remembered) return this.connectFallback(url, "remembered");
    const ws = (this.ws = new this.choice.WebSocketImpl(url));
    ws.binaryType = "arraybuffer";
    const giveUp = (reason: FallbackReason) => {
      clearTimeout(this.openTimer);
      ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
      ws.close();
      this.ws = undefined;
      this.choice.rememberFallback();
      this.connectFallback(url, reason);
    };
    this.openTimer = setTimeout(() => giveUp("timeout"), this.choice.openTimeoutMs);
    ws.onerror = () => giveUp("error");
    ws.onclose = () => giveUp("error");
    ws.onopen = (ev) => {
      clearTimeout(this.openTimer);
      ws.onmessage = (e) => this.events.onmessage?.(e);
      ws.onclose = (e) => this.events.onclose?.(e);
      ws.onerror = (e) => this.events.onerror?.(e);
      this.choice.connected("websocket");
      this.events.onopen?.(ev);
    };
  }

  private connectFallback(url: string, reason: FallbackReason): void {
    const target = new URL(url);
    const query: Record<string, string> = Object.fromEntries(target.searchParams);
    query.fallback = reason;
    const origin = `${target.protocol === "wss:" ? "https:" : "http:"}//${target.host}`;
    const engine = (this.engine = new EngineSocket(origin, {
      path: fallbackPath(target.pathname),
      query,
      transports: ["polling", "websocket"],
      upgrade: true,
      rememberUpgrade: false,
      withCredentials: false,
    }));
    engine.binaryType = "arraybuffer";
    engine.on("open", () => {
      this.choice.connected("polling");
      this.events.onopen?.({});
    });
    engine.on("upgrade", () => this.choice.connected("upgraded"));
    engine.on("message", (data) => {
      if (typeof data !== "string") return void this.events.onmessage?.({ data });
      const control = parseControl(data);
      // Every packet before this ping has been handed to the room: that is what the pong proves.
      if (control?.kind === "ping") engine.send(controlText({ kind: "pong", nonce: control.nonce }));
      else if (control?.kind === "close") {
        this.closeCode = control.code;
        this.closeReason = control.reason;
      }
    });
    // The close that follows an error tells the room (a refused handshake rejects the join with its reason).
    engine.on("error", (error) => (this.closeReason ||= error instanceof Error ? error.message : String(error)));
    engine.on("close", () => this.events.onclose?.({ code: this.closeCode, reason: this.closeReason }));
  }

  send(data: Uint8Array): void {
    if (this.ws) return this.ws.send(data);
    // colyseus.js reuses one buffer for every message and engine.io may hold a packet until the next poll: a copy.
    this.engine?.send(data.slice());
  }

  sendUnreliable(): void {
    // Neither transport has an unreliable channel; colyseus.js's WebSocket transport drops these too.
  }

  close(code?: number, reason?: string): void {
    clearTimeout(this.openTimer);
    if (this.ws) return this.ws.close(code, reason);
    if (!this.engine) return;
    if (code !== undefined) {
      this.closeCode = code;
      this.engine.send(controlText({ kind: "close", code, reason: "" }));
    }
    this.engine.close();
  }
}

/**
 * PATCH POINT (colyseus.js 0.16.22, pinned): colyseus.js has no option for a custom transport.
 * Room.prototype.connect makes `new Connection(protocol)`, whose constructor makes a
 * WebSocketTransport that only stores its events, assigns it to `room.connection`, and only then
 * calls `connection.connect(url)`, which calls `this.transport.connect`. A setter for
 * `room.connection` swaps the transport in that gap. test/client/transport.test.ts fails when
 * colyseus.js changes Room.prototype.connect or Connection.
 */
export class FallbackClient extends Client {
  constructor(
    url: string,
    private readonly choice: TransportChoice,
    options?: ConstructorParameters<typeof Client>[1],
  ) {
    super(url, options);
  }

  protected override createRoom<T = unknown>(roomName: string, rootSchema?: Parameters<Client["joinOrCreate"]>[2]): Room<T> {
    const room = super.createRoom<T>(roomName, rootSchema as never);
    const choice = this.choice;
    let connection: { events: TransportEvents; transport: Transport } | undefined;
    Object.defineProperty(room, "connection", {
      configurable: true,
      get: () => connection,
      set: (made: { events: TransportEvents; transport: Transport }) => {
        made.transport = new FallbackTransport(made.events, choice);
        connection = made;
      },
    });
    return room;
  }
}
