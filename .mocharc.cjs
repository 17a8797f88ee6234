const { resolve, sep } = require("node:path");

// Tests live in folders by kind (test/rules, test/rooms, ...); test/helpers, test/abuse and
// test/fuzz hold tools, never a `*.test.ts`.
const TEST_DIR = resolve(__dirname, "test");
/** Options whose value is a path that is not a test to run. */
const PATH_VALUED = new Set(["-r", "--require", "--file", "--ignore", "--exclude", "--config", "--package"]);

/**
 * Whether the command line names tests: a file, a folder or a glob under test/ (`npm test --
 * test/rules`). Mocha adds a config's `spec` to those, so `mocha test/rules` would run the whole
 * suite: the default spec applies only when nothing is named.
 */
const named = process.argv.slice(2).some((arg, i, args) => {
  if (arg.startsWith("-") || PATH_VALUED.has(args[i - 1])) return false;
  const path = resolve(arg);
  return path === TEST_DIR || path.startsWith(TEST_DIR + sep);
});

module.exports = {
  require: ["tsx/cjs", "test/helpers/env.ts"],
  // A folder named on the command line is searched to any depth for *.test.ts only, so helpers
  // beside the suites are never run as tests.
  extension: ["test.ts"],
  recursive: true,
  ...(named ? {} : { spec: ["test/**/*.test.ts"] }),
  timeout: 10000,
  exit: true,
};
