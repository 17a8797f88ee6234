/** A URL an operator can print (a Redis, a collector): scheme, host, port and path, no user, password or query. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
}
