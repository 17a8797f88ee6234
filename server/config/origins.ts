/**
 * ALLOWED_ORIGINS: which web pages may use the matchmaker and open game sockets.
 *
 * Unset or "*": every origin (development; a warning is logged when NODE_ENV=production).
 * Otherwise a comma-separated list of exact origins, e.g. "https://play.example.com,https://example.com".
 * Requests without an Origin header (native clients, load tests, curl) are not browser
 * cross-site requests and pass; the check protects players' browsers, not the server.
 */
export interface AllowedOrigins {
  /** The list as configured, or "*" for every origin. */
  readonly describe: string;
  allows(origin: string | undefined): boolean;
}

const ANY: AllowedOrigins = { describe: "*", allows: () => true };

/** Parses the env value; throws with a message naming the bad entry so the server refuses to start. */
export function parseAllowedOrigins(value: string | undefined): AllowedOrigins {
  const raw = (value ?? "").trim();
  if (raw === "" || raw === "*") return ANY;
  const origins = new Set<string>();
  for (const entry of raw.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    let origin = "null";
    try {
      const url = new URL(entry);
      const plainHost = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(url.hostname);
      if ((url.protocol === "https:" || url.protocol === "http:") && plainHost) origin = url.origin;
    } catch {
      // not a URL at all: refused below
    }
    if (origin === "null" || origin !== entry.replace(/\/$/, "")) {
      throw new Error(`ALLOWED_ORIGINS: "${entry}" is not an origin like https://example.com (http or https, host, optional port; no path, no wildcard)`);
    }
    origins.add(origin);
  }
  if (origins.size === 0) return ANY;
  return {
    describe: [...origins].join(","),
    allows: (origin) => origin === undefined || origins.has(origin),
  };
}
