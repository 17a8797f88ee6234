/**
 * Optional sound: short cues for a hit, a death and a respawn, generated with WebAudio (no files to
 * download). Off by default; the choice is remembered in localStorage.
 */

export type Cue = "hit" | "death" | "respawn";

/** localStorage key of the sound choice ("on" or anything else for off). */
export const SOUND_KEY = "battle.sound";
/** One cue of a kind at most this often: a brawl stays a sound, not a buzz. */
export const CUE_MIN_GAP_MS = 90;
/** Loudness of every cue (0..1): cues sit under whatever else the player listens to. */
const CUE_VOLUME = 0.18;

interface Note {
  /** Start and end pitch (Hz) of a tone gliding between them. */
  from: number;
  to: number;
  /** Offset from the cue's start and length (seconds). */
  at: number;
  length: number;
  wave: OscillatorType;
}

const CUES: Record<Cue, Note[]> = {
  hit: [{ from: 220, to: 90, at: 0, length: 0.09, wave: "square" }],
  death: [
    { from: 440, to: 110, at: 0, length: 0.35, wave: "sawtooth" },
    { from: 220, to: 55, at: 0.05, length: 0.4, wave: "triangle" },
  ],
  respawn: [
    { from: 392, to: 392, at: 0, length: 0.08, wave: "triangle" },
    { from: 523, to: 523, at: 0.08, length: 0.08, wave: "triangle" },
    { from: 659, to: 659, at: 0.16, length: 0.14, wave: "triangle" },
  ],
};

export class SoundCues {
  private context: AudioContext | null = null;
  private readonly lastPlayed = new Map<Cue, number>();
  private on: boolean;

  constructor(private readonly storage: Storage) {
    this.on = storage.getItem(SOUND_KEY) === "on";
  }

  get enabled(): boolean {
    return this.on;
  }

  /** Turns sound on or off and remembers it. Called from a click, so the browser lets audio start. */
  setEnabled(on: boolean): void {
    this.on = on;
    this.storage.setItem(SOUND_KEY, on ? "on" : "off");
    if (on) void this.audio()?.resume();
  }

  play(cue: Cue): void {
    if (!this.on) return;
    const now = performance.now();
    if (now - (this.lastPlayed.get(cue) ?? -Infinity) < CUE_MIN_GAP_MS) return;
    this.lastPlayed.set(cue, now);
    const audio = this.audio();
    if (!audio) return;
    // Sound turned on in an earlier visit starts suspended; the page has had a click by now.
    if (audio.state === "suspended") void audio.resume();
    for (const note of CUES[cue]) {
      const start = audio.currentTime + note.at;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = note.wave;
      oscillator.frequency.setValueAtTime(note.from, start);
      oscillator.frequency.exponentialRampToValueAtTime(note.to, start + note.length);
      // A quick attack and an exponential fade: no click at either end.
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(CUE_VOLUME, start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + note.length);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + note.length + 0.02);
    }
  }

  /** The audio context, made on first use; null where the browser has no WebAudio. */
  private audio(): AudioContext | null {
    if (!this.context && typeof AudioContext !== "undefined") this.context = new AudioContext();
    return this.context;
  }
}
