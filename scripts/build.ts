/**
 * The production build (`npm run build`; the type check is `npm test`'s): the browser client into dist/client
 * and the server as one JavaScript file, dist/server/index.js, that node runs alone
 * (`npm run start:prod`), and the cluster launcher, dist/cluster.js (`npm run start:cluster:prod`). Packages stay external: they come from node_modules (`npm ci --omit=dev`).
 */
import { build } from "esbuild";
import { join } from "node:path";
import { buildClient } from "./build-client";
import { PROJECT_ROOT, SERVER_OUT_FILE } from "./client-paths";

/** The cluster launcher, built beside the server: it starts dist/server/index.js (`npm run start:cluster:prod`). */
export const CLUSTER_OUT_FILE = join(PROJECT_ROOT, "dist", "cluster.js");

export async function buildServer(): Promise<void> {
  await Promise.all([bundle(join(PROJECT_ROOT, "server", "index.ts"), SERVER_OUT_FILE), bundle(join(PROJECT_ROOT, "scripts", "cluster.ts"), CLUSTER_OUT_FILE)]);
}

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
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
    ([{ bundleBytes }]) => console.log(`built dist/client (main.js ${bundleBytes} bytes), ${SERVER_OUT_FILE} and ${CLUSTER_OUT_FILE}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
