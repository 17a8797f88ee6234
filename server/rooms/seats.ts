/**
 * One seat per player id in a room. The newest join takes the seat over and the older one is
 * closed (docs/security.md "One seat per player id": a reloaded tab or a second device gets in at once instead of
 * waiting out the old seat's reconnection window, and keeps the same character).
 */
export class Seats {
  private sessionOf = new Map<string, string>();

  /** Gives `playerId`'s seat to `sessionId`; returns the sessionId that held it before, if any. */
  claim(playerId: string, sessionId: string): string | undefined {
    const previous = this.sessionOf.get(playerId);
    this.sessionOf.set(playerId, sessionId);
    return previous;
  }

  /** False once a newer join of the same player took the seat over: that leave is final. */
  holds(playerId: string, sessionId: string): boolean {
    return this.sessionOf.get(playerId) === sessionId;
  }

  /** Frees the seat on a final leave, unless a newer session holds it already. */
  release(playerId: string, sessionId: string): void {
    if (this.holds(playerId, sessionId)) this.sessionOf.delete(playerId);
  }
}
