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
// Every test client comes from 127.0.0.1: suites about the per-address limits set their own.
for (const [name, value] of Object.entries(ONE_ADDRESS_RIG_ENV)) process.env[name] ??= value;
