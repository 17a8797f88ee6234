// Mocha adds a config's `spec` to the files named on the command line, so `mocha test/x.test.ts`
// would run the whole suite: the default spec applies only when no test file is named.
const named = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));

module.exports = {
  require: ["tsx/cjs", "test/helpers/env.ts"],
  extension: ["ts"],
  ...(named ? {} : { spec: ["test/**/*.test.ts"] }),
  timeout: 10000,
  exit: true,
};
