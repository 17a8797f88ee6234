// Loaded by mocha before any test file. The in-process suites boot the app config, whose `cleanup()`
// clears the matchmaker's driver: a REDIS_URL left in the developer's shell must never point them
// at a shared Redis. Multi-process tests hand their own REDIS_URL to the processes they start.
delete process.env.REDIS_URL;
delete process.env.PUBLIC_ADDRESS;
