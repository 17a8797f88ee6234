/** The shape of the code: imports run one way, no module keeps mutable state, no file grows past a screenful of screens. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { cruiseProject, layerEdges } from "../../scripts/deps";
import { ROOT } from "../helpers/paths";

/** Longest source file in server/ and client/: past it, a file holds more than one job. */
const SOURCE_MAX_LINES = 300;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/**
 * Module-level state a reader cannot see passed in: `let`/`var` at module scope, a Map or Set made
 * at module scope (unless typed ReadonlyMap/ReadonlySet: a constant table), a static class property
 * that is not readonly.
 */
function moduleState(path: string, text = readFileSync(join(ROOT, path), "utf8")): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const where = (node: ts.Node) => `${path}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      const flags = statement.declarationList.flags;
      const mutableBinding = !(flags & ts.NodeFlags.Const);
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        // A lookup typed ReadonlyMap or ReadonlySet is a constant table, not state.
        const readonlyType = declaration.type !== undefined && /^Readonly(Map|Set)</.test(declaration.type.getText());
        const collection = init && ts.isNewExpression(init) && /^(Map|Set|WeakMap|WeakSet)$/.test(init.expression.getText()) && !readonlyType;
        if (mutableBinding || collection) found.push(`${where(declaration)} ${declaration.name.getText()}`);
      }
    }
    if (ts.isClassDeclaration(statement)) {
      for (const member of statement.members) {
        const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
        const isStatic = modifiers.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
        const isReadonly = modifiers.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
        if (ts.isPropertyDeclaration(member) && isStatic && !isReadonly) found.push(`${where(member)} static ${member.name.getText()}`);
      }
    }
  }
  return found;
}

describe("project: layers and module state", function () {
  this.timeout(60_000);

  it("has no import cycle and no import from a lower layer to a higher one (npm run deps prints the direction)", async () => {
    const result = await cruiseProject();
    const broken = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    assert.deepEqual(broken, []);
    // The direction itself, as the docs draw it: the leaves import nothing of ours.
    const edges = layerEdges(result);
    assert.deepEqual([...edges.get("shared")!], []);
    assert.deepEqual([...edges.get("config")!].sort(), ["shared"]);
    assert.ok(!edges.get("client")!.has("rooms") && !edges.get("client")!.has("security"), "the client takes the shared modules only");
  });

  it("keeps no mutable state at module scope in server/: parts are passed in through the app context", () => {
    assert.deepEqual(sources("server").flatMap((path) => moduleState(path)), []);
  });

  it("finds module state where there is some (the check itself)", () => {
    const probe = "let a = 1;\nconst b = new Map();\nconst e: ReadonlySet<string> = new Set();\nclass C { static c = 1; static readonly d = 2; e = 3 }\nfunction f() { let g = 1; return g; }";
    assert.deepEqual(moduleState("probe.ts", probe), ["probe.ts:1 a", "probe.ts:2 b", "probe.ts:4 static c"]);
  });

  it(`has no source file in server/ or client/ over ${SOURCE_MAX_LINES} lines`, () => {
    const long = [...sources("server"), ...sources("client")]
      .map((path) => ({ path, lines: readFileSync(join(ROOT, path), "utf8").split("\n").length }))
      .filter(({ lines }) => lines > SOURCE_MAX_LINES)
      .map(({ path, lines }) => `${relative(ROOT, join(ROOT, path))}: ${lines}`);
    assert.deepEqual(long, []);
  });
});
