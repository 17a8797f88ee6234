import type { ChatLine } from "../shared/protocol";

/**
 * Makes every line reach a member once and in id order while the member catches up on history.
 *
 * Live lines arrive on a pub/sub connection while history is read on another, so the two overlap.
 * A member is held from the moment it (re)joins: live lines meant for it are buffered (at most
 * `bufferLimit`, the history covers the rest) until its history is in; then it gets history and
 * the buffered lines after it, and later live lines at or below the last id it got are skipped.
 */
export class CatchUp {
  private held = new Map<string, ChatLine[]>();
  /** Bumped at every hold: a history read begun before a later hold must not end that hold. */
  private turns = new Map<string, number>();
  /** Highest id a released member got; removed once live lines pass it. */
  private floors = new Map<string, number>();

  constructor(private readonly bufferLimit: number) {}

  /** Starts (or continues) holding; returns this hold's turn, for {@link isHeld}. */
  hold(sessionId: string): number {
    if (!this.held.has(sessionId)) this.held.set(sessionId, []);
    this.floors.delete(sessionId);
    const turn = (this.turns.get(sessionId) ?? 0) + 1;
    this.turns.set(sessionId, turn);
    return turn;
  }

  /** Still held, and by the hold that gave `turn` when given (no newer reconnection since). */
  isHeld(sessionId: string, turn?: number): boolean {
    return this.held.has(sessionId) && (turn === undefined || this.turns.get(sessionId) === turn);
  }

  /** Members that must not get this live line by broadcast: held (buffered here) or already given it. */
  skipFor(line: ChatLine): Set<string> {
    const skip = new Set<string>();
    for (const [sessionId, buffer] of this.held) {
      skip.add(sessionId);
      buffer.push(line);
      if (buffer.length > this.bufferLimit) buffer.shift();
    }
    for (const [sessionId, floor] of this.floors) {
      if (line.id <= floor) skip.add(sessionId);
      else this.floors.delete(sessionId);
    }
    return skip;
  }

  /**
   * Ends the hold. `history` is what the store had above `since`; `live` the buffered lines after
   * it, to send as ordinary live lines. Together: every line above `since` once, oldest first.
   */
  release(sessionId: string, since: number, history: readonly ChatLine[]): { history: ChatLine[]; live: ChatLine[] } {
    const kept = history.filter((line) => line.id > since);
    const after = Math.max(since, kept.at(-1)?.id ?? 0);
    const live = (this.held.get(sessionId) ?? []).filter((line) => line.id > after);
    this.held.delete(sessionId);
    // The floor is the last id actually sent, not `since`: a `since` from a wiped Redis must not mute
    // the channel's new lines for this member.
    const last = live.at(-1)?.id ?? kept.at(-1)?.id;
    if (last !== undefined) this.floors.set(sessionId, last);
    return { history: kept, live };
  }

  forget(sessionId: string): void {
    this.held.delete(sessionId);
    this.turns.delete(sessionId);
    this.floors.delete(sessionId);
  }
}
