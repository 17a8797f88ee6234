import { readSettings, type Settings } from "../../server/config";

/** An `Authorization` header value for HTTP basic auth. */
export const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/**
 * `Authorization` for the admin routes (/metrics, /colyseus, /admin): the credentials `settings`
 * hold, by default the test environment's (test/helpers/env.ts), which a server process started
 * now gets as well.
 */
export function adminAuthorization(settings: Pick<Settings, "adminUser" | "adminPassword"> = readSettings(process.env)): string {
  return basicAuth(settings.adminUser, settings.adminPassword);
}
