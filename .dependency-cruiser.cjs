/**
 * The direction of imports (docs/extending.md "Layers"): each server layer imports only the layers
 * below it, the browser client only the shared modules, and nothing runs in a circle.
 *   server/shared ← server/config ← server/telemetry ← server/{auth,security,chat,scaling}
 *     ← server/context.ts ← server/rooms ← server/ops, server/app.config.ts, server/index.ts
 * `npm run deps` prints the direction as it is; test/project/layers.test.ts fails on any violation.
 */
const below = (...layers) => `^server/(${layers.join("|")})/`;

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "an import cycle", from: { path: "^(server|client|loadtest|scripts)/" }, to: { circular: true } },
    {
      name: "shared-is-a-leaf",
      severity: "error",
      comment: "server/shared is bundled for the browser and run by the bench: it imports only itself",
      from: { path: "^server/shared/" },
      to: { path: "^server/", pathNot: below("shared") },
    },
    {
      name: "config-above-shared",
      severity: "error",
      from: { path: "^server/config/" },
      to: { path: "^server/", pathNot: below("shared", "config") },
    },
    {
      name: "telemetry-above-config",
      severity: "error",
      from: { path: "^server/telemetry/" },
      to: { path: "^server/", pathNot: below("shared", "config", "telemetry") },
    },
    {
      name: "services-below-rooms",
      severity: "error",
      comment: "auth, security, chat and scaling return verdicts; they never reach up to rooms or routes",
      from: { path: below("auth", "security", "chat", "scaling") },
      to: { path: "^server/", pathNot: below("shared", "config", "telemetry", "auth", "security", "chat", "scaling") },
    },
    {
      name: "context-below-rooms",
      severity: "error",
      from: { path: "^server/context\\.ts$" },
      to: { path: "^server/(rooms/|ops/|app\\.config\\.ts$|index\\.ts$)" },
    },
    {
      name: "rooms-below-routes",
      severity: "error",
      from: { path: "^server/rooms/" },
      to: { path: "^server/(ops/|app\\.config\\.ts$|index\\.ts$|envNotices\\.ts$)" },
    },
    {
      name: "client-takes-shared-only",
      severity: "error",
      comment: "the browser bundle takes the protocol, tuning and rules, never server internals",
      from: { path: "^client/" },
      to: { path: "^server/", pathNot: below("shared") },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    // Type-only imports count: a type from a higher layer is a dependency on it too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
