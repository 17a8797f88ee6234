import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The project root: the nearest folder up with a package.json (sources run from scripts/, the build from dist/server/). */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = projectRoot(__dirname);
/** Sources of the browser client. */
export const CLIENT_SRC_DIR = join(PROJECT_ROOT, "client");
/** Where scripts/build-client.ts writes the bundle and the server serves it from. */
export const CLIENT_OUT_DIR = join(PROJECT_ROOT, "dist", "client");
/** Where scripts/build.ts writes the server's JavaScript (`npm run start:prod` runs it). */
export const SERVER_OUT_FILE = join(PROJECT_ROOT, "dist", "server", "index.js");
