/**
 * Bundles the browser client (client/main.ts plus its static files) into dist/client with esbuild.
 * `npm start` runs it first; the browser tests call buildClient() themselves.
 */
import { build, type Metafile } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_OUT_DIR, CLIENT_SRC_DIR } from "./client-paths";

const STATIC_FILES = ["index.html", "style.css"];

export interface ClientBuild {
  /** Size of the minified bundle (main.js) in bytes. */
  bundleBytes: number;
}

export async function buildClient(): Promise<ClientBuild> {
  mkdirSync(CLIENT_OUT_DIR, { recursive: true });
  for (const file of STATIC_FILES) copyFileSync(join(CLIENT_SRC_DIR, file), join(CLIENT_OUT_DIR, file));
  const result = await build({
    entryPoints: [join(CLIENT_SRC_DIR, "main.ts")],
    outfile: join(CLIENT_OUT_DIR, "main.js"),
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "esm",
    target: ["es2022"],
    platform: "browser",
    metafile: true,
    logLevel: "warning",
  });
  return { bundleBytes: outputBytes(result.metafile, "main.js") };
}

function outputBytes(metafile: Metafile, name: string): number {
  const entry = Object.entries(metafile.outputs).find(([path]) => path.endsWith(name));
  return entry ? entry[1].bytes : 0;
}

if (require.main === module) {
  buildClient().then(
    ({ bundleBytes }) => console.log(`client built into ${CLIENT_OUT_DIR} (main.js ${bundleBytes} bytes minified)`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
