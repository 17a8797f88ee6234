import type { Room } from "@colyseus/core";
import { CHAT_RESUME_WAIT_MS } from "../shared/protocol";

type RoomClock = Room["clock"];
type Delayed = ReturnType<RoomClock["setTimeout"]>;

/**
 * One reconnection, one catch-up. A member that drops and comes back either sends `resume` within
 * CHAT_RESUME_WAIT_MS or gets the fallback: the lines after the first line id it may have missed.
 * A later drop cancels the earlier fallback (it would repeat lines, or use up the `resume` a
 * genuine client sends next) and keeps the earlier starting point until a catch-up is delivered.
 */
export class Resumes {
  /** Id after which the member may have missed lines, from its first drop not yet caught up. */
  private missedAfter = new Map<string, number>();
  private fallbacks = new Map<string, Delayed>();
  /** Came back, and neither `resume` nor the fallback has run yet. */
  private awaiting = new Set<string>();

  constructor(private readonly clock: RoomClock) {}

  /** The socket dropped; `lastLineId` is the last line relayed before the drop was noticed. */
  dropped(sessionId: string, lastLineId: number): void {
    this.cancel(sessionId);
    if (!this.missedAfter.has(sessionId)) this.missedAfter.set(sessionId, lastLineId);
  }

  /** Back with the reconnection token: `fallback` runs unless `resume` comes first. */
  cameBack(sessionId: string, fallback: (since: number) => void): void {
    this.cancel(sessionId);
    this.awaiting.add(sessionId);
    this.fallbacks.set(
      sessionId,
      this.clock.setTimeout(() => {
        this.fallbacks.delete(sessionId);
        if (this.awaiting.delete(sessionId)) fallback(this.missedAfter.get(sessionId) ?? 0);
      }, CHAT_RESUME_WAIT_MS),
    );
  }

  /** A `resume` arrived: true (and the fallback cancelled) only right after a reconnection. */
  takeResume(sessionId: string): boolean {
    if (!this.awaiting.delete(sessionId)) return false;
    this.cancel(sessionId);
    return true;
  }

  /** A page of a catch-up reached the member, up to `lineId`: a drop before the rest starts after it. */
  caughtUpTo(sessionId: string, lineId: number): void {
    this.missedAfter.set(sessionId, lineId);
  }

  /** A catch-up reached the member: the next drop starts from its own last line. */
  caughtUp(sessionId: string): void {
    this.missedAfter.delete(sessionId);
  }

  forget(sessionId: string): void {
    this.cancel(sessionId);
    this.missedAfter.delete(sessionId);
  }

  private cancel(sessionId: string): void {
    this.fallbacks.get(sessionId)?.clear();
    this.fallbacks.delete(sessionId);
    this.awaiting.delete(sessionId);
  }
}
