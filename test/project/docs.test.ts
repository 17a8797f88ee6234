import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "../helpers/paths";

/** The README stays a front door: what it is, two commands, a screenshot, the layout, links. */
const README_MAX_LINES = 80;

/** Markdown files under `dir` (relative to the root), its dated subfolders included. */
function markdownUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => `${dir}/${f.split("\\").join("/")}`)
    .sort();
}

/** Every doc, and the dated result files the docs link for their figures. */
const DOCS = ["README.md", "loadtest/README.md", ...markdownUnder("docs"), ...markdownUnder("loadtest/results")];

/** The lines outside fenced code blocks: a `#` or `](` in a shell sample is not markdown. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Relative link targets of a markdown file: `[text](target)` and `![alt](target)`. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/**
 * Issue numbers of this project ("issue 13", "#15") in the prose of a doc: a doc speaks of the
 * product, not of the work that made it. An upstream issue linked by its URL
 * (`[#843](https://github.com/colyseus/colyseus/issues/843)`, `colyseus/colyseus#843`) is fine.
 */
export function issueMentions(markdown: string): string[] {
  const text = prose(markdown).replace(/\[[^\]]*\]\(https?:[^)]*\)/g, "");
  return [...text.matchAll(/\bissues? \d+\b|(?<![\w/&])#\d+(?![\w-])/gi)].map((m) => m[0]);
}

describe("docs: README and docs/*.md", () => {
  it(`README.md has at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(ROOT, "README.md"), "utf8").trimEnd().split("\n").length;
    assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines`);
  });

  it("anchors() follows GitHub's rules", () => {
    assert.deepEqual(
      [...anchors("# Room `battle`\n## Where we fall short, and why\n## Tests\n## Tests\n```sh\n# not a heading\n```")],
      ["room-battle", "where-we-fall-short-and-why", "tests", "tests-1"],
    );
  });

  it("issueMentions() finds this project's issue numbers, not upstream links or anchors", () => {
    assert.deepEqual(
      issueMentions("Targets (issue 15), fixed in #13. See [#843](https://github.com/colyseus/colyseus/issues/843), colyseus/colyseus#842, [run](#1550-utc-run)."),
      ["issue 15", "#13"],
    );
  });

  for (const doc of DOCS) {
    it(`${doc}: names no issue number of this project`, () => {
      assert.deepEqual(issueMentions(readFileSync(join(ROOT, doc), "utf8")), []);
    });

    it(`${doc}: every relative link names a file that exists, and a heading in it`, () => {
      const source = readFileSync(join(ROOT, doc), "utf8");
      const broken: string[] = [];
      for (const link of relativeLinks(source)) {
        const [path, anchor] = link.split("#", 2);
        const target = path === "" ? join(ROOT, doc) : resolve(ROOT, dirname(doc), path);
        if (!target.startsWith(ROOT) || !existsSync(target)) {
          broken.push(`${link}: no file ${relative(ROOT, target)}`);
          continue;
        }
        if (anchor === undefined) continue;
        if (!target.endsWith(".md") || statSync(target).isDirectory()) {
          broken.push(`${link}: an anchor into a file that is not markdown`);
        } else if (!anchors(readFileSync(target, "utf8")).has(anchor)) {
          broken.push(`${link}: no heading #${anchor} in ${relative(ROOT, target)}`);
        }
      }
      assert.deepEqual(broken, []);
    });
  }
});
