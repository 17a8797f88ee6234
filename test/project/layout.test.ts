import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/paths";

const SHARED = join(ROOT, "server", "shared");

describe("layout: the modules the browser shares", () => {
  // The client bundles these; a framework import or a clock here would break prediction or the bundle.
  for (const file of readdirSync(SHARED).filter((f) => f.endsWith(".ts"))) {
    it(`${file} imports only its neighbours and reads no clock or global randomness`, () => {
      const source = readFileSync(join(SHARED, file), "utf8");
      const imports = [...source.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(imports.filter((path) => !path.startsWith("./")), [], "imports outside server/shared");
      assert.doesNotMatch(source, /Date\.now\(|Math\.random\(|performance\.now\(/);
    });
  }
});

describe("layout: the browser bundle", () => {
  it("takes from the server only the protocol (payloads, codes, the message records and their parsers), the rule tuning, the pure rules, room names, the region routes and the fallback's wire, never the server limits", async () => {
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [join(ROOT, "client", "main.ts")],
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "browser",
      logLevel: "silent",
    });
    const fromServer = Object.keys(result.metafile.inputs).filter((path) => path.startsWith("server/")).sort();
    assert.deepEqual(fromServer, [
      "server/shared/arena.ts",
      "server/shared/codes.ts",
      "server/shared/fallback.ts",
      "server/shared/game.ts",
      "server/shared/hash.ts",
      "server/shared/messages.ts",
      "server/shared/names.ts",
      "server/shared/parse.ts",
      "server/shared/payloads.ts",
      "server/shared/regions.ts",
      "server/shared/rng.ts",
      "server/shared/roomNames.ts",
      "server/shared/tuning.ts",
    ]);
  });
});
