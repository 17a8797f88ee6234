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
/** Space on a focused button presses the button (Sound, Leave, Got it), it does not attack. */
const onButton = (event: KeyboardEvent) => event.target instanceof HTMLButtonElement;

export class Keyboard {
  private held = new Set<string>();
  private readonly controller = new AbortController();

  /** `onSteer`: a direction key went down, so the first step can go out at once. */
  constructor(onAttack: () => void, onSteer: () => void) {
    const signal = this.controller.signal;
    window.addEventListener("keydown", (event) => {
      if (typing(event)) return;
      if (event.code in AXES) {
        const fresh = !this.held.has(event.code);
        this.held.add(event.code);
        event.preventDefault();
        if (fresh) onSteer();
      } else if (event.code === "Space" && !onButton(event)) {
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

/**
 * Paces moves at one per TICK_MS, the server's tick, which keeps its queue short. `send` runs
 * every TICK_MS and says whether it sent; `now()` sends at once when the last move is at least
 * TICK_MS old (a key just went down) and keeps the pace from there.
 */
export class MovePacer {
  private timer: ReturnType<typeof setInterval>;
  private lastSentMs = -Infinity;

  constructor(private readonly send: () => boolean) {
    this.timer = this.start();
  }

  now(): void {
    if (performance.now() - this.lastSentMs < TICK_MS) return;
    clearInterval(this.timer);
    this.run();
    this.timer = this.start();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private start(): ReturnType<typeof setInterval> {
    return setInterval(() => this.run(), TICK_MS);
  }

  private run(): void {
    if (this.send()) this.lastSentMs = performance.now();
  }
}
