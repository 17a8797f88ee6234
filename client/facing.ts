/**
 * Which way each player faces, from how its drawn (interpolated or gliding) position moves: the
 * heading of the last real movement, kept while the player stands still. No rule of the game
 * involves facing; it only makes movement and attacks readable. Pure: positions come in.
 */
import { TELEPORT_DISTANCE } from "./interpolation";

/** Movement shorter than this (world units) keeps the heading, so a standing player does not jitter. */
export const FACING_MIN_MOVE_UNITS = 0.5;
/** Heading of a player that has not moved yet: towards the viewer (down the screen). */
export const FACING_DEFAULT_RAD = Math.PI / 2;

interface Track {
  x: number;
  y: number;
  angle: number;
  seen: number;
}

export class Facing {
  private readonly tracks = new Map<string, Track>();
  private frame = 0;

  /** Call once per frame before `update`s: players not updated for a while are forgotten. */
  beginFrame(): void {
    this.frame++;
    if (this.frame % FACING_PRUNE_EVERY_FRAMES !== 0) return;
    for (const [id, track] of this.tracks) if (this.frame - track.seen > FACING_PRUNE_EVERY_FRAMES) this.tracks.delete(id);
  }

  /** The player is drawn at (x, y) this frame; returns its heading in radians (0 = +x, screen y down). */
  update(id: string, x: number, y: number): number {
    const track = this.tracks.get(id);
    if (!track) {
      this.tracks.set(id, { x, y, angle: FACING_DEFAULT_RAD, seen: this.frame });
      return FACING_DEFAULT_RAD;
    }
    track.seen = this.frame;
    const dx = x - track.x;
    const dy = y - track.y;
    const moved = Math.hypot(dx, dy);
    if (moved < FACING_MIN_MOVE_UNITS) return track.angle;
    // A respawn or a server placement is a jump, not a walk: it says nothing about facing.
    if (moved <= TELEPORT_DISTANCE) track.angle = Math.atan2(dy, dx);
    track.x = x;
    track.y = y;
    return track.angle;
  }

  /** The last heading of `id` (the default for a player never seen). */
  of(id: string): number {
    return this.tracks.get(id)?.angle ?? FACING_DEFAULT_RAD;
  }
}

/** Frames between two sweeps for players gone from the scene (about 2 s at 60 fps). */
export const FACING_PRUNE_EVERY_FRAMES = 120;
