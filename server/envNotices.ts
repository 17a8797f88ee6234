import { format } from "node:util";

/**
 * Imported first by server/index.ts, before @colyseus/tools loads .env files on import: its
 * console.info notice ("optional .env file not found …") is kept here and logged once the log format
 * is set, so stdout stays one log line per event; dotenv's own stderr notice is turned off.
 */
process.env.DOTENV_QUIET ??= "true";
const notices: string[] = [];
const consoleInfo = console.info;
console.info = (...args: unknown[]) => void notices.push(format(...args));

/** Gives console.info back and returns what was said meanwhile. */
export function takeEnvNotices(): string[] {
  console.info = consoleInfo;
  return notices.splice(0);
}
