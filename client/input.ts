/** Keyboard: WASD or arrows to move, Space to attack. Typing in a text field is left alone. */
import type { Direction } from "../server/shared/game";
import { TICK_MS } from "../server/shared/tuning";

const AXES: Record<string, [number, number]> = {
  KeyW: [0, -1],
  ArrowUp: [0, -1],
  KeyS: [0, 1],
  ArrowDown: [0, 1],
  KeyA: [-1, 0],
  ArrowLeft: [-1, 0],
  KeyD: [1, 0],
  ArrowRight: [1, 0],
};

const typing = (event: KeyboardEvent) =>
  event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;

export class Keyboard {
  private held = new Set<string>();
  private readonly controller = new AbortController();

  constructor(onAttack: () => void) {
    const signal = this.controller.signal;
    window.addEventListener("keydown", (event) => {
      if (typing(event)) return;
      if (event.code in AXES) {
        this.held.add(event.code);
        event.preventDefault();
      } else if (event.code === "Space") {
        event.preventDefault();
        if (!event.repeat) onAttack();
      }
    }, { signal });
    window.addEventListener("keyup", (event) => this.held.delete(event.code), { signal });
    // Keys released while the window had no focus never send keyup.
    window.addEventListener("blur", () => this.held.clear(), { signal });
  }

  /** The held direction, each component -1, 0 or 1 (the server scales diagonals down). */
  direction(): Direction {
    let dx = 0;
    let dy = 0;
    for (const code of this.held) {
      dx += AXES[code][0];
      dy += AXES[code][1];
    }
    return { dx: Math.sign(dx), dy: Math.sign(dy) };
  }

  dispose(): void {
    this.controller.abort();
    this.held.clear();
  }
}

/** Calls `tick` every TICK_MS, the server's tick: one move per tick keeps its queue short. */
export function everyTick(tick: () => void): () => void {
  const timer = setInterval(tick, TICK_MS);
  return () => clearInterval(timer);
}
