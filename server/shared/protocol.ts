/**
 * Everything the server shares, in one import for server modules: the wire (payloads, codes and the
 * message records), rule tuning and server limits. The browser client imports the modules it needs
 * directly, never this one, so no server limit ends up in its bundle.
 */
export * from "./payloads";
export * from "./codes";
export * from "./messages";
export * from "./tuning";
export * from "./limits";
