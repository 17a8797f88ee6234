/**
 * The wire guard: what one connection sends is charged and checked before anything decodes it,
 * whatever the transport. The WebSocket transport (./transport.ts) calls it for every chunk of bytes
 * its socket receives and every message, ping and pong; a second transport (long polling) calls it
 * for each request's body and each packet. A guard answers with a verdict and the transport acts.
 *
 * - Budget: a token bucket of frames and one of bytes per connection (WIRE_*); a connection over
 *   either is cut off (CLOSE_RATE_LIMITED), as a message flood is. Bytes are counted as they arrive,
 *   so headers, fragments and control frames that never become a message are paid for too.
 * - Shape: a frame that is empty, carries a code clients do not send, or a payload outside what the
 *   protocol uses (./msgpackCheck.ts) closes the connection (CLOSE_BAD_FRAME) undecoded.
 */
import type { WireBudget } from "../config/serverLimits";
import { CLOSE_BAD_FRAME, CLOSE_RATE_LIMITED } from "../shared/codes";
import { TokenBucket, type Clock } from "../shared/tokenBucket";
import { frameProblem, Scan } from "./msgpackCheck";

export type WireRefusal = "flood" | "malformed";

/** Let the frame through, or close the connection with `close`. */
export type WireVerdict = { ok: true } | { ok: false; refusal: WireRefusal; close: number; detail: string };

const PASS: WireVerdict = { ok: true };

/** `budget` with every rate and burst multiplied by `scale` (RATE_LIMIT_SCALE). */
export function scaledBudget(budget: WireBudget, scale: number): WireBudget {
  return {
    framesPerSecond: budget.framesPerSecond * scale,
    frameBurst: Math.max(1, Math.round(budget.frameBurst * scale)),
    bytesPerSecond: budget.bytesPerSecond * scale,
    byteBurst: Math.max(1, Math.round(budget.byteBurst * scale)),
  };
}

/** One connection's guard. After its first refusal every later call refuses too. */
export class WireGuard {
  private readonly frames: TokenBucket;
  private readonly bytes: TokenBucket;
  /** The first refusal, once there was one. */
  refused: WireVerdict | undefined;
  /** Reused for every message of this connection. */
  private readonly scan = new Scan();

  constructor(
    budget: WireBudget,
    private readonly now: Clock = () => performance.now(),
  ) {
    const at = now();
    this.frames = new TokenBucket({ perSecond: budget.framesPerSecond, burst: budget.frameBurst }, at);
    this.bytes = new TokenBucket({ perSecond: budget.bytesPerSecond, burst: budget.byteBurst }, at);
  }

  private refuse(refusal: WireRefusal, detail: string): WireVerdict {
    this.refused ??= { ok: false, refusal, close: refusal === "flood" ? CLOSE_RATE_LIMITED : CLOSE_BAD_FRAME, detail };
    return this.refused;
  }

  /** `count` bytes arrived, before any parsing. */
  chargeBytes(count: number): WireVerdict {
    if (this.refused) return this.refused;
    return this.bytes.take(this.now(), count) ? PASS : this.refuse("flood", "over the byte budget");
  }

  /** A frame that carries no message (a ping, a pong, a polling handshake). */
  chargeFrame(): WireVerdict {
    if (this.refused) return this.refused;
    return this.frames.take(this.now()) ? PASS : this.refuse("flood", "over the frame budget");
  }

  /** A message frame: charged, then checked, before anything decodes it. */
  admit(frame: Uint8Array): WireVerdict {
    const charged = this.chargeFrame();
    if (!charged.ok) return charged;
    const problem = frameProblem(frame, this.scan);
    return problem === undefined ? PASS : this.refuse("malformed", problem);
  }
}
