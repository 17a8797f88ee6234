import { join } from "node:path";

const ROOT = join(__dirname, "..");
/** Sources of the browser client. */
export const CLIENT_SRC_DIR = join(ROOT, "client");
/** Where scripts/build-client.ts writes the bundle and the server serves it from. */
export const CLIENT_OUT_DIR = join(ROOT, "dist", "client");
