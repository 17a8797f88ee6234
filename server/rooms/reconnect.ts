import type { Client, Deferred, Room } from "@colyseus/core";
import type { WebSocket } from "ws";
import { droppedForBackpressure } from "../security/backpressure";
import { refusedAtTheWire } from "../security/wireSocket";
import { PROTOCOL_ERROR_CLOSE_CODES } from "../shared/codes";
import { RECONNECT_SECONDS } from "../shared/payloads";

const isProtocolError = (code: unknown) => typeof code === "number" && PROTOCOL_ERROR_CLOSE_CODES.includes(code);

/**
 * One room's kept seats: a dropped client keeps its seat for RECONNECT_SECONDS, unless the server
 * closed it for a protocol error, refused it at the wire or dropped it for not reading what it is sent.
 */
export class Reconnections {
  /** Clients closed for a protocol error: their leave is final, however the socket then closes. */
  private readonly protocolErrors = new WeakSet<Client>();
  /** Seats kept for dropped clients, by sessionId, so a newer join of the same player can end the wait. */
  private readonly waiting = new Map<string, Deferred<Client>>();

  constructor(private readonly room: Room) {}

  /**
   * Called in onJoin (cameBack does it for a reconnected client): notes when the server closes the
   * client for a protocol error, whether Colyseus closes it (4002, a message it could not decode or
   * validate) or ws does (1009, a frame too big: an `error` event first). Noted at the server's own
   * decision, because a hostile client need not echo the close code.
   */
  watch(client: Client): void {
    const leave = client.leave.bind(client);
    client.leave = (code?: number, data?: string) => {
      if (isProtocolError(code)) this.protocolErrors.add(client);
      return leave(code, data);
    };
    client.ref.once("error", () => this.protocolErrors.add(client));
    client.ref.once("close", (code: unknown) => isProtocolError(code) && this.protocolErrors.add(client));
  }

  /**
   * Called first in the room's onLeave. Resolves true when the client came back within
   * RECONNECT_SECONDS, false when it left for good. `final`: the leave was consented, or the server
   * removed the client (cut off for flooding, kicked, replaced), so it may not come back.
   */
  async cameBack(client: Client, final: boolean): Promise<boolean> {
    const socket = (client as Client & { ref?: WebSocket }).ref;
    if (final || this.protocolErrors.has(client) || droppedForBackpressure(socket) || refusedAtTheWire(socket)) return false;
    const reconnection = this.room.allowReconnection(client, RECONNECT_SECONDS);
    this.waiting.set(client.sessionId, reconnection);
    try {
      this.watch(await reconnection);
      return true;
    } catch {
      // Timed out, given up by `end`, or the room is being disposed.
      return false;
    } finally {
      this.waiting.delete(client.sessionId);
    }
  }

  /** Gives up the seat kept for `sessionId`, if it is waiting for a reconnection: its onLeave goes on as a final leave. */
  end(sessionId: string): boolean {
    const reconnection = this.waiting.get(sessionId);
    reconnection?.reject(new Error("seat taken over"));
    return reconnection !== undefined;
  }
}
