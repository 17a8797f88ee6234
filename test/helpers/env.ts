import { ONE_ADDRESS_RIG_ENV } from "../../loadtest/rigEnv";

// Loaded by mocha before any test file. The in-process suites boot the app config, whose `cleanup()`
// clears the matchmaker's driver: a REDIS_URL left in the developer's shell must never point them
// at a shared Redis. Multi-process tests hand their own REDIS_URL to the processes they start.
delete process.env.REDIS_URL;
delete process.env.PUBLIC_ADDRESS;

// Quiet logs, a known admin password and rooms that close at once on shutdown, unless the shell says
// otherwise. Set here, before any test file imports the app config (which reads the settings).
process.env.LOG_LEVEL ??= "error";
process.env.ADMIN_PASSWORD ??= "test-admin-password";
process.env.SHUTDOWN_GRACE_MS ??= "0";
// No bots unless a suite asks for them (test/rooms/bots.test.ts): other suites count the players they seat.
process.env.BOTS_FILL_TO ??= "0";
// Every test client comes from 127.0.0.1: suites about the per-address limits set their own.
for (const [name, value] of Object.entries(ONE_ADDRESS_RIG_ENV)) process.env[name] ??= value;

// @colyseus/tools loads /etc/environment and .env files through dotenv the moment it is imported.
// dotenv (18.x) reports each load on stderr unless DOTENV_QUIET is true; set here, it holds for this
// process and for every process the tests start.
process.env.DOTENV_QUIET ??= "true";
// Tools also says on stdout when the project has no .env, which a test run never needs: that one
// notice is held back (a .env that is found is still announced), then console.info is given back.
const consoleInfo = console.info;
console.info = (...args: unknown[]) => {
  if (typeof args[0] !== "string" || !args[0].includes("optional .env file not found")) return consoleInfo(...args);
  console.info = consoleInfo;
};
