/**
 * Prints the direction of imports as it is: for each layer, the layers it imports, and any rule of
 * .dependency-cruiser.cjs that is broken (exit 1 then).   npm run deps
 */
import type { ICruiseResult } from "dependency-cruiser" with { "resolution-mode": "import" };

/** The layer of a module path, in the order of the direction (the first may import nothing above it). */
export const LAYERS = [
  ["shared", /^server\/shared\//],
  ["config", /^server\/config\//],
  ["telemetry", /^server\/telemetry\//],
  ["auth", /^server\/auth\//],
  ["security", /^server\/security\//],
  ["chat", /^server\/chat\//],
  ["scaling", /^server\/scaling\//],
  ["context", /^server\/context\.ts$/],
  ["rooms", /^server\/rooms\//],
  ["ops", /^server\/ops\//],
  ["app", /^server\/(app\.config|index|envNotices)\.ts$/],
  ["client", /^client\//],
  ["loadtest", /^loadtest\//],
  ["scripts", /^scripts\//],
] as const;
export type Layer = (typeof LAYERS)[number][0];

export function layerOf(path: string): Layer | undefined {
  return LAYERS.find(([, pattern]) => pattern.test(path))?.[0];
}

/** Cruises the project's sources with the rules of .dependency-cruiser.cjs. */
export async function cruiseProject(): Promise<ICruiseResult> {
  const config = require("../.dependency-cruiser.cjs");
  // dependency-cruiser ships as ES modules only.
  const { cruise } = await import("dependency-cruiser");
  const result = await cruise(["server", "client", "loadtest", "scripts"], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true });
  return result.output as ICruiseResult;
}

/** Layer -> the layers its modules import (itself left out). */
export function layerEdges(result: ICruiseResult): Map<Layer, Set<Layer>> {
  const edges = new Map<Layer, Set<Layer>>(LAYERS.map(([layer]) => [layer, new Set<Layer>()]));
  for (const module of result.modules) {
    const from = layerOf(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = layerOf(dependency.resolved);
      if (to && to !== from) edges.get(from)!.add(to);
    }
  }
  return edges;
}

async function main() {
  const result = await cruiseProject();
  for (const [layer, imports] of layerEdges(result)) {
    console.log(`${layer.padEnd(10)} → ${imports.size === 0 ? "(nothing of ours)" : [...imports].join(", ")}`);
  }
  const violations = result.summary.violations;
  for (const violation of violations) console.log(`BROKEN ${violation.rule.name}: ${violation.from} → ${violation.to}${violation.cycle ? ` (cycle ${violation.cycle.map((c) => c.name).join(" → ")})` : ""}`);
  console.log(`${result.summary.totalCruised} modules, ${result.summary.totalDependenciesCruised} imports, ${violations.length} rule(s) broken`);
  if (violations.length > 0) process.exitCode = 1;
}

if (require.main === module) void main();
