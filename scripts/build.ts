/**
 * The production build (`npm run build`; the type check is `npm test`'s): the browser client into dist/client
 * and the server as one JavaScript file, dist/server/index.js, that node runs alone
 * (`npm run start:prod`). Packages stay external: they come from node_modules (`npm ci --omit=dev`).
 */
import { build } from "esbuild";
import { join } from "node:path";
import { buildClient } from "./build-client";
import { PROJECT_ROOT, SERVER_OUT_FILE } from "./client-paths";

export async function buildServer(): Promise<void> {
  await build({
    entryPoints: [join(PROJECT_ROOT, "server", "index.ts")],
    outfile: SERVER_OUT_FILE,
    bundle: true,
    packages: "external",
    platform: "node",
    target: ["node20"],
    format: "cjs",
    sourcemap: true,
    logLevel: "warning",
  });
}

if (require.main === module) {
  Promise.all([buildClient(), buildServer()]).then(
    ([{ bundleBytes }]) => console.log(`built dist/client (main.js ${bundleBytes} bytes) and ${SERVER_OUT_FILE}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
