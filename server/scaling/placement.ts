/** Where a new room goes when several processes share one Redis. Pure: stats and randomness come in. */
export interface ProcessLoad {
  processId: string;
  /** Clients connected to the process (Colyseus persists this at most once a second). */
  ccu: number;
  roomCount: number;
}

/**
 * Fewest clients first, then fewest rooms; a tie goes to a random one of the tied processes so a
 * burst of creations within one stats refresh does not all land on the same process.
 * Returns undefined when no process is known (the caller then creates the room locally).
 */
export function pickProcess(loads: readonly ProcessLoad[], random: () => number): string | undefined {
  if (loads.length === 0) return undefined;
  const least = loads.reduce((best, load) =>
    load.ccu < best.ccu || (load.ccu === best.ccu && load.roomCount < best.roomCount) ? load : best,
  );
  const tied = loads.filter((load) => load.ccu === least.ccu && load.roomCount === least.roomCount);
  return tied[Math.min(tied.length - 1, Math.floor(random() * tied.length))].processId;
}

/**
 * Colyseus publishes each process's counts at most once a second, and a room counts only once its
 * onCreate has run: without a correction a burst of creations sees the same counts every time and
 * lands on one process. Rooms this process placed within the window are added to the counts, each
 * as one room and one client (a create reserves a seat for the client that asked), so a burst
 * alternates even when one process had a few more clients. Its own new rooms are briefly counted
 * twice, a small bias against itself.
 */
export class RecentPlacements {
  private placed: { processId: string; at: number }[] = [];

  constructor(private readonly windowMs: number) {}

  record(processId: string, now: number): void {
    this.placed.push({ processId, at: now });
  }

  /** `loads` with recent placements counted as rooms with one client each. */
  adjust(loads: readonly ProcessLoad[], now: number): ProcessLoad[] {
    this.placed = this.placed.filter((placement) => now - placement.at < this.windowMs);
    return loads.map((load) => {
      const recent = this.placed.filter((placement) => placement.processId === load.processId).length;
      return { ...load, ccu: load.ccu + recent, roomCount: load.roomCount + recent };
    });
  }
}
