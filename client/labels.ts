/**
 * Where name labels go so that no two overlap: in order of importance (the own player first, then
 * the nearest), each label takes its place above its player, or stacks one or two label heights
 * higher; a label that finds no free place is left out for this frame. Pure: boxes in CSS pixels.
 */

export interface LabelRequest {
  id: string;
  /** Where the label's bottom centre wants to be (CSS pixels). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Lower is placed first: the own player's is -1, the others' their distance to it. */
  priority: number;
}

export interface PlacedLabel {
  id: string;
  /** Top-left corner and size of the box the label occupies (CSS pixels). */
  left: number;
  top: number;
  width: number;
  height: number;
  /** 0: where it asked to be; 1 or 2: stacked that many label heights higher. */
  stacked: number;
}

/** Stacking levels tried above the wanted place before a label is left out. */
export const LABEL_STACK_LEVELS = 2;
/** Free space kept between two labels (CSS pixels). */
export const LABEL_GAP_PX = 1;
/** Side of the grid cells used to find neighbours (CSS pixels): about a label's width. */
const CELL_PX = 64;

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * Places the labels inside a `width` x `height` screen (a label is kept inside it on every side).
 * Returns the placed ones, most important first.
 */
export function placeLabels(requests: readonly LabelRequest[], screen: { width: number; height: number }): PlacedLabel[] {
  const ordered = [...requests].sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const grid = new Map<number, Box[]>();
  const cellsOf = (box: Box, visit: (key: number) => boolean | void): boolean => {
    for (let cx = Math.floor(box.left / CELL_PX); cx <= Math.floor(box.right / CELL_PX); cx++) {
      for (let cy = Math.floor(box.top / CELL_PX); cy <= Math.floor(box.bottom / CELL_PX); cy++) {
        if (visit(cx * 65536 + cy) === true) return true;
      }
    }
    return false;
  };
  const free = (box: Box) => !cellsOf(box, (key) => grid.get(key)?.some((other) => overlaps(box, other)));
  const placed: PlacedLabel[] = [];
  for (const label of ordered) {
    const left = Math.min(Math.max(label.x - label.width / 2, 0), Math.max(0, screen.width - label.width));
    for (let level = 0; level <= LABEL_STACK_LEVELS; level++) {
      const wanted = label.y - label.height - level * (label.height + LABEL_GAP_PX);
      const top = Math.min(Math.max(wanted, 0), Math.max(0, screen.height - label.height));
      // Kept apart by the gap on every side, so touching labels never read as one.
      const box = { left: left - LABEL_GAP_PX, top: top - LABEL_GAP_PX, right: left + label.width + LABEL_GAP_PX, bottom: top + label.height + LABEL_GAP_PX };
      if (!free(box)) continue;
      cellsOf(box, (key) => void (grid.get(key) ?? grid.set(key, []).get(key)!).push(box));
      placed.push({ id: label.id, left, top, width: label.width, height: label.height, stacked: level });
      break;
    }
  }
  return placed;
}

/** Full opacity within this distance of the own player (world units); fainter further out. */
export const LABEL_FADE_FROM_UNITS = 250;
/** Distance over which a label fades down to LABEL_MIN_ALPHA. */
export const LABEL_FADE_OVER_UNITS = 350;
export const LABEL_MIN_ALPHA = 0.45;

/** How opaque a label is at `distance` (world units) from the own player: far names recede. */
export function labelAlpha(distance: number): number {
  const t = Math.min(1, Math.max(0, (distance - LABEL_FADE_FROM_UNITS) / LABEL_FADE_OVER_UNITS));
  return 1 - t * (1 - LABEL_MIN_ALPHA);
}
