/**
 * Proof of reading: what a client has read, as far as the server can know it without trusting the
 * client. The server pings with a random nonce; TCP delivers in order, so the pong that carries the
 * nonce back proves the client read every byte sent before that ping, wherever those bytes waited
 * (Node's buffer, the kernel's send queue, the network, the client's receive queue). A client that
 * does not read never sees the ping and cannot echo it; an unasked pong proves nothing.
 *
 * `unproven` (bytes sent since the last proof) is what the backpressure guard counts (./backpressure.ts),
 * so bytes the kernel accepted count as well as those Node holds. {@link heartbeat} pings every
 * socket each LIVENESS_PING_MS and terminates one that missed LIVENESS_MISSED_MAX proofs in a row.
 */
import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import { LIVENESS_MISSED_MAX, LIVENESS_PING_MS } from "../shared/limits";

/** Proof pings waiting for their pong; an older one is forgotten past this (a later proof covers it). */
const OUTSTANDING_MAX = 4;
const NONCE_BYTES = 8;
/** Nonces drawn from the system's random source at once: a reader of a busy room is pinged several times a second. */
const NONCES_PER_DRAW = 16;

interface Outstanding {
  nonce: Buffer;
  /** Bytes written up to and including the ping. */
  mark: number;
}

export class ReadProof {
  private proven: number;
  private readonly outstanding: Outstanding[] = [];
  /** Heartbeat pings since the last proof. */
  missed = 0;
  /** Random bytes not yet used as nonces, and where the next nonce starts in them. */
  private nonces = Buffer.alloc(0);
  private nextNonce = 0;

  constructor(private readonly socket: WebSocket) {
    this.proven = this.written;
  }

  /** Bytes handed to the TCP socket so far (queued in Node included). */
  private get written(): number {
    return (this.socket as WebSocket & { _socket?: Socket })._socket?.bytesWritten ?? 0;
  }

  /** Bytes sent and not proven read. */
  get unproven(): number {
    return Math.max(0, this.written - this.proven);
  }

  /** True while a proof ping waits for its pong. */
  get pending(): boolean {
    return this.outstanding.length > 0;
  }

  /** Sends a ping whose pong will prove everything sent so far read. */
  ping(): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const nonce = this.freshNonce();
    this.socket.ping(nonce);
    this.outstanding.push({ nonce, mark: this.written });
    if (this.outstanding.length > OUTSTANDING_MAX) this.outstanding.shift();
  }

  /** Unpredictable and never reused: a slice of one draw of NONCES_PER_DRAW nonces. */
  private freshNonce(): Buffer {
    if (this.nextNonce >= this.nonces.length) {
      this.nonces = randomBytes(NONCE_BYTES * NONCES_PER_DRAW);
      this.nextNonce = 0;
    }
    const nonce = this.nonces.subarray(this.nextNonce, this.nextNonce + NONCE_BYTES);
    this.nextNonce += NONCE_BYTES;
    return nonce;
  }

  /** A pong arrived: true when it carried a nonce of ours (then everything before that ping was read). */
  ponged(data: Buffer): boolean {
    const index = this.outstanding.findIndex((entry) => entry.nonce.equals(data));
    if (index < 0) return false;
    this.proven = Math.max(this.proven, this.outstanding[index]!.mark);
    this.outstanding.splice(0, index + 1);
    this.missed = 0;
    return true;
  }
}

/** Where a socket's proof is kept. */
const PROOF = Symbol("read proof");
type Proven = WebSocket & { [PROOF]?: ReadProof };

/** The socket's proof, made (and its pongs heard) on first use. */
export function readProofOf(socket: WebSocket, onProof: () => void = () => {}): ReadProof {
  const proven = socket as Proven;
  if (proven[PROOF]) return proven[PROOF];
  const proof = (proven[PROOF] = new ReadProof(socket));
  socket.on("pong", (data: Buffer) => proof.ponged(data) && onProof());
  return proof;
}

/**
 * Pings every socket `sockets` lists (a WebSocket server's, and the fallback's sessions) each LIVENESS_PING_MS (instead of Colyseus's heartbeat, which takes
 * any pong as proof of life) and terminates one that missed LIVENESS_MISSED_MAX proofs in a row.
 * Returns the function that stops it.
 */
export function heartbeat(sockets: () => Iterable<WebSocket>, onSilent: (socket: WebSocket) => void): () => void {
  const timer = setInterval(() => {
    for (const socket of sockets()) {
      const proof = readProofOf(socket);
      if (proof.missed >= LIVENESS_MISSED_MAX) {
        onSilent(socket);
        socket.terminate();
        continue;
      }
      proof.missed++;
      proof.ping();
    }
  }, LIVENESS_PING_MS);
  timer.unref();
  return () => clearInterval(timer);
}
