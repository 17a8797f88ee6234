/**
 * What a name or a line looks like on screen, for telling apart the blank, the smeared and the
 * look-alike. Pure and dependency-free: the client may use it too.
 */
import { COMBINING_MARKS_MAX_RUN, GRAPHEME_MAX_CODE_POINTS } from "./payloads";

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Visible characters (grapheme clusters), so an emoji or an accented letter counts once. */
export function visibleLength(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

/** True when one visible character joins more than GRAPHEME_MAX_CODE_POINTS code points. */
export function overlongGrapheme(text: string): boolean {
  for (const { segment } of graphemes.segment(text)) {
    // Cheap first: UTF-16 units are at least the code points.
    if (segment.length > GRAPHEME_MAX_CODE_POINTS && [...segment].length > GRAPHEME_MAX_CODE_POINTS) return true;
  }
  return false;
}

/** Draws nothing by itself: default-ignorables (ZWJ, ZWNJ, variation selectors...), format characters, marks without a base, spaces. */
const DRAWS_NOTHING = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{M}\p{White_Space}]/gu;
/** Joins or selects without starting a new character: does not end the marks of the one before. */
const JOINS = /^[\p{Default_Ignorable_Code_Point}\p{Cf}]$/u;
const MARK = /^\p{M}$/u;
/** Ignored when two names are compared: they change nothing a reader can see. */
const IGNORED_IN_KEY = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/** True when something visible remains once everything that draws nothing by itself is gone. */
export function hasVisible(text: string): boolean {
  return text.replace(DRAWS_NOTHING, "").length > 0;
}

/**
 * Keeps at most COMBINING_MARKS_MAX_RUN combining marks per base character, counting across
 * joiners (ZWJ, ZWNJ, variation selectors) between them, so "a" + (mark + ZWJ) x 50 is cut too.
 * Joiners past the cap go with the marks.
 */
export function capMarksPerBase(text: string): string {
  let out = "";
  let marks = 0;
  for (const ch of text) {
    if (MARK.test(ch)) {
      if (++marks > COMBINING_MARKS_MAX_RUN) continue;
    } else if (JOINS.test(ch)) {
      if (marks >= COMBINING_MARKS_MAX_RUN) continue;
    } else {
      marks = 0;
    }
    out += ch;
  }
  return out;
}

/**
 * The form two names are compared in: NFKC (full-width and styled letters fold to plain ones),
 * without default-ignorables and format characters, case-folded. Equal keys look alike.
 */
export function nameKey(name: string): string {
  return name.normalize("NFKC").replace(IGNORED_IN_KEY, "").toLowerCase().normalize("NFKC");
}

/** What {@link uniqueName} asks of the names in use: a set of keys, or {@link NamesInUse}. */
export interface TakenKeys {
  has(key: string): boolean;
  readonly size: number;
}

/**
 * `wanted`, or `wanted 2`, `wanted 3`... the first whose key no one in `taken` has, so two players
 * of one room never look alike. Tries at most taken.size + 1 suffixes, so it always ends.
 */
export function uniqueName(wanted: string, taken: TakenKeys): string {
  if (!taken.has(nameKey(wanted))) return wanted;
  for (let n = 2; ; n++) {
    const candidate = `${wanted} ${n}`;
    if (!taken.has(nameKey(candidate)) || n > taken.size + 1) return candidate;
  }
}

/**
 * The keys of the names a room's players use, kept as they join and leave, so a join checks its
 * name in O(1) rather than folding every name in the room (2000 of them in a big arena). Counted:
 * a takeover can briefly hold one name twice.
 */
export class NamesInUse implements TakenKeys {
  private readonly counts = new Map<string, number>();

  get size(): number {
    return this.counts.size;
  }

  has(key: string): boolean {
    return this.counts.has(key);
  }

  add(name: string): void {
    const key = nameKey(name);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  delete(name: string): void {
    const key = nameKey(name);
    const count = this.counts.get(key) ?? 0;
    if (count <= 1) this.counts.delete(key);
    else this.counts.set(key, count - 1);
  }
}
