import { ClientState, Protocol, type Client } from "@colyseus/core";

/**
 * Runs `then` once `client` has acknowledged JOIN_ROOM (at once if it already has). Colyseus queues
 * whatever a room sends a client before that, unbounded by anything of its own: a room whose
 * answer may be large (the lobby's room list) sends it here instead of in onJoin, so a crowd of
 * joiners that never acknowledge holds none of it. Runs after Colyseus has marked the client
 * joined and flushed its queue (the frame's other listeners run first).
 */
export function afterAcknowledgement(client: Client, then: () => void): void {
  if (client.state === ClientState.JOINED) return then();
  const socket = (client as Client & { ref?: { on(event: "message", listener: (data: Buffer) => void): void; off(event: "message", listener: (data: Buffer) => void): void; once(event: "close", listener: () => void): void } }).ref;
  if (!socket) return;
  const onFrame = (data: Buffer) => {
    if (data[0] !== Protocol.JOIN_ROOM) return;
    socket.off("message", onFrame);
    queueMicrotask(() => client.state === ClientState.JOINED && then());
  };
  socket.on("message", onFrame);
  socket.once("close", () => socket.off("message", onFrame));
}
