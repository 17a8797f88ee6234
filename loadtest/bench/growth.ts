/**
 * What each player costs per second at each step, and whether that cost grows faster than the
 * player count: a step where one player-second costs more than at the step below it means the
 * server's total grows faster than linear.
 */
import type { Scenario, Target } from "./plan";

/** The fields of a step this needs (a StepResult has them all). */
export interface CostInputs {
  scenario: Scenario;
  target: Target;
  players: number;
  connected: number;
  serverCpuPercent: number | null;
  bytesPerClientPerS: number;
}

/**
 * A per-player-second cost may rise this much between two steps before it is flagged: a 10 s
 * window on a shared machine moves CPU by about a tenth, so smaller rises are noise.
 */
export const GROWTH_TOLERANCE = 1.2;

export interface StepCost {
  /** Server CPU milliseconds per connected player per second (percent of a core × 10 / players). */
  cpuMsPerPlayerS: number | null;
  /** Bytes the server sent per connected player per second (websocket payload). */
  bytesPerPlayerS: number | null;
  /** This step's cost per player-second over the step below it (same scenario and server). */
  cpuGrowth: number | null;
  bytesGrowth: number | null;
  /** Which of the two grew faster than linear (beyond GROWTH_TOLERANCE). */
  superlinear: ("cpu" | "bytes")[];
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function perPlayerSecond(r: CostInputs): Pick<StepCost, "cpuMsPerPlayerS" | "bytesPerPlayerS"> {
  if (r.connected <= 0) return { cpuMsPerPlayerS: null, bytesPerPlayerS: null };
  return {
    cpuMsPerPlayerS: r.serverCpuPercent === null ? null : round((r.serverCpuPercent * 10) / r.connected, 3),
    bytesPerPlayerS: r.bytesPerClientPerS > 0 ? r.bytesPerClientPerS : null,
  };
}

const ratio = (now: number | null, before: number | null) => (now === null || before === null || before <= 0 ? null : round(now / before, 2));

/** The cost of every step, in the order given; each step is compared with the next smaller one of its series. */
export function stepCosts(steps: readonly CostInputs[]): StepCost[] {
  return steps.map((r) => {
    const own = perPlayerSecond(r);
    const below = steps
      .filter((b) => b.scenario === r.scenario && b.target === r.target && b.players < r.players)
      .sort((a, b) => b.players - a.players)[0];
    const before = below ? perPlayerSecond(below) : null;
    const cpuGrowth = before ? ratio(own.cpuMsPerPlayerS, before.cpuMsPerPlayerS) : null;
    const bytesGrowth = before ? ratio(own.bytesPerPlayerS, before.bytesPerPlayerS) : null;
    const superlinear: StepCost["superlinear"] = [];
    if (cpuGrowth !== null && cpuGrowth > GROWTH_TOLERANCE) superlinear.push("cpu");
    if (bytesGrowth !== null && bytesGrowth > GROWTH_TOLERANCE) superlinear.push("bytes");
    return { ...own, cpuGrowth, bytesGrowth, superlinear };
  });
}

/** The table cell: growth over the step below, bold where it is faster than linear. */
export function growthCell(cost: StepCost): string {
  const part = (name: string, growth: number | null, flagged: boolean) =>
    growth === null ? null : flagged ? `**${name} ×${growth}**` : `${name} ×${growth}`;
  const parts = [part("CPU", cost.cpuGrowth, cost.superlinear.includes("cpu")), part("B", cost.bytesGrowth, cost.superlinear.includes("bytes"))];
  const shown = parts.filter((p): p is string => p !== null);
  return shown.length ? shown.join(", ") : "–";
}

/** One line per flagged step, for the report's "Cost growth" section. */
export function growthFlags(steps: readonly CostInputs[]): string[] {
  const costs = stepCosts(steps);
  return steps.flatMap((r, i) => {
    const c = costs[i];
    if (c.superlinear.length === 0) return [];
    const what = c.superlinear
      .map((k) => (k === "cpu" ? `CPU per player-second ×${c.cpuGrowth} (${c.cpuMsPerPlayerS} ms)` : `bytes per player-second ×${c.bytesGrowth} (${c.bytesPerPlayerS} B)`))
      .join(" and ");
    return [`${r.scenario} (${r.target}) at ${r.players} players: ${what} over the step below`];
  });
}
