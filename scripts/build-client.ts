/**
 * Bundles the browser client (client/main.ts and client/style.css) into dist/client with esbuild:
 * content-hashed names (`main.<hash>.js`, `style.<hash>.css`), each precompressed beside it as .br
 * and .gz, and an index.html that names them. `npm start` runs it first; the browser tests call
 * buildClient() themselves. The server serves the files (server/ops/staticFiles.ts).
 */
import { build } from "esbuild";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { HASHED_ASSET_PATH } from "../server/shared/assets";
import { CLIENT_OUT_DIR, CLIENT_SRC_DIR } from "./client-paths";

export interface ClientBuild {
  /** Size of the minified bundle (main.<hash>.js) in bytes. */
  bundleBytes: number;
  /** The hashed file names index.html loads. */
  script: string;
  style: string;
}

/** Brotli at its best (the build runs once; every player downloads the result). */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } };

export async function buildClient(): Promise<ClientBuild> {
  mkdirSync(CLIENT_OUT_DIR, { recursive: true });
  const result = await build({
    entryPoints: [join(CLIENT_SRC_DIR, "main.ts"), join(CLIENT_SRC_DIR, "style.css")],
    outdir: CLIENT_OUT_DIR,
    entryNames: "[name].[hash]",
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "esm",
    target: ["es2022"],
    platform: "browser",
    metafile: true,
    logLevel: "warning",
  });
  const outputs = Object.entries(result.metafile.outputs).map(([path, { bytes }]) => ({ name: basename(path), bytes }));
  const script = outputs.find(({ name }) => /^main\.\w+\.js$/.test(name))!;
  const style = outputs.find(({ name }) => /^style\.\w+\.css$/.test(name))!;
  const fresh = new Set(outputs.map(({ name }) => name));
  // Files of earlier builds go (hashed, or the unhashed names builds wrote before): a deployment serves its own build only.
  for (const name of readdirSync(CLIENT_OUT_DIR)) {
    if (/^(main\.js|main\.js\.map|style\.css)$/.test(name)) rmSync(join(CLIENT_OUT_DIR, name));
    const built = name.replace(/\.(br|gz|map)$/, "").replace(/\.(br|gz)$/, "");
    if (HASHED_ASSET_PATH.test(`/${built}`) && !fresh.has(built)) rmSync(join(CLIENT_OUT_DIR, name));
  }
  for (const { name } of [script, style]) {
    const bytes = readFileSync(join(CLIENT_OUT_DIR, name));
    writeFileSync(join(CLIENT_OUT_DIR, `${name}.br`), brotliCompressSync(bytes, BROTLI));
    writeFileSync(join(CLIENT_OUT_DIR, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  }
  const page = readFileSync(join(CLIENT_SRC_DIR, "index.html"), "utf8")
    .replace('href="/style.css"', `href="/${style.name}"`)
    .replace('src="/main.js"', `src="/${script.name}"`);
  if (!page.includes(script.name) || !page.includes(style.name)) throw new Error("client/index.html no longer names /main.js and /style.css");
  writeFileSync(join(CLIENT_OUT_DIR, "index.html"), page);
  return { bundleBytes: script.bytes, script: script.name, style: style.name };
}

if (require.main === module) {
  buildClient().then(
    ({ bundleBytes, script, style }) => console.log(`client built into ${CLIENT_OUT_DIR} (${script} ${bundleBytes} bytes minified, ${style}; .br and .gz beside them)`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
