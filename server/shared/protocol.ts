/**
 * Everything the server shares, in one import for server modules: the wire (./wire), rule tuning
 * (./tuning) and server limits (./limits). The browser client imports ./wire and ./tuning directly,
 * never this module, so no server limit ends up in its bundle.
 */
export * from "./wire";
export * from "./tuning";
export * from "./limits";
