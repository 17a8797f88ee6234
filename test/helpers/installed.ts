import { existsSync } from "node:fs";

/**
 * Skips the calling suite loudly when the program at `path` is missing (`what` says which tests and
 * how to install it); with CI=true it fails instead, because CI must run these tests for real.
 */
export function requireInstalled(context: Mocha.Context, path: string, what: string): void {
  if (existsSync(path)) return;
  const message = `${path} not found: ${what}`;
  if (process.env.CI === "true") throw new Error(message);
  console.warn(`\n  !!! SKIPPED: ${message}\n`);
  context.skip();
}
