/**
 * Touch controls: a virtual stick (put a finger down anywhere in the left half of the arena and
 * drag; analog, full speed at STICK_RADIUS_PX) and an attack button. The knob is drawn where the
 * finger went down. Mouse pointers are left to the desktop controls.
 */
import type { Direction } from "../server/shared/game";
import { byId } from "./dom";

/** Drag distance of full speed, in CSS pixels. */
export const STICK_RADIUS_PX = 48;
/** Share of the radius that still means "stand still", so a resting thumb does not creep. */
export const STICK_DEAD_ZONE = 0.2;

export const isCoarsePointer = (): boolean => matchMedia("(pointer: coarse)").matches;

/** The direction for a drag of (dx, dy) CSS pixels: length 0 inside the dead zone, at most 1. */
export function stickDirection(dx: number, dy: number, radius = STICK_RADIUS_PX): Direction {
  const length = Math.hypot(dx, dy) / radius;
  if (length < STICK_DEAD_ZONE) return { dx: 0, dy: 0 };
  const scale = Math.min(1, length) / length / radius;
  return { dx: dx * scale, dy: dy * scale };
}

export class TouchControls {
  private dir: Direction = { dx: 0, dy: 0 };
  private finger: { id: number; x: number; y: number } | null = null;
  private readonly controller = new AbortController();
  private readonly stick = byId("stick");
  private readonly knob = byId("stick-knob");

  /** `onSteer`: the stick left its dead zone, so the first step can go out at once. */
  constructor(onAttack: () => void, onSteer: () => void) {
    const signal = this.controller.signal;
    const arena = byId("arena");
    arena.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse" || this.finger || event.target instanceof HTMLButtonElement) return;
      const box = arena.getBoundingClientRect();
      if (event.clientX - box.left > box.width / 2) return;
      this.finger = { id: event.pointerId, x: event.clientX, y: event.clientY };
      arena.setPointerCapture?.(event.pointerId);
      this.stick.hidden = false;
      this.stick.style.left = `${event.clientX - box.left}px`;
      this.stick.style.top = `${event.clientY - box.top}px`;
      this.place(0, 0);
      event.preventDefault();
    }, { signal });
    arena.addEventListener("pointermove", (event) => {
      if (event.pointerId !== this.finger?.id) return;
      const wasStill = this.dir.dx === 0 && this.dir.dy === 0;
      this.dir = stickDirection(event.clientX - this.finger.x, event.clientY - this.finger.y);
      this.place(event.clientX - this.finger.x, event.clientY - this.finger.y);
      if (wasStill && (this.dir.dx !== 0 || this.dir.dy !== 0)) onSteer();
    }, { signal });
    const release = (event: PointerEvent) => {
      if (event.pointerId !== this.finger?.id) return;
      this.finger = null;
      this.dir = { dx: 0, dy: 0 };
      this.stick.hidden = true;
    };
    arena.addEventListener("pointerup", release, { signal });
    arena.addEventListener("pointercancel", release, { signal });
    byId("attack-button").addEventListener("click", () => onAttack(), { signal });
  }

  /** The stick's direction; {0, 0} when no finger is on it. */
  direction(): Direction {
    return this.dir;
  }

  private place(dx: number, dy: number): void {
    const length = Math.hypot(dx, dy);
    const scale = length > STICK_RADIUS_PX ? STICK_RADIUS_PX / length : 1;
    this.knob.style.transform = `translate(${dx * scale}px, ${dy * scale}px)`;
  }

  dispose(): void {
    this.controller.abort();
    this.stick.hidden = true;
  }
}
