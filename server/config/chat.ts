/**
 * Chat history bounds from the environment, read by readSettings (server/config/index.ts); see
 * docs/operating.md "Chat history bounds".
 *
 * CHAT_HISTORY_LINES       lines kept per channel (default CHAT_HISTORY_KEEP)
 * CHAT_HISTORY_LINE_BYTES  largest line kept, as stored JSON (default CHAT_LINE_MAX_BYTES); longer ones are refused
 * CHAT_HISTORY_CHANNELS    channels whose history is kept in all, least recently used dropped (default CHAT_HISTORY_CHANNELS_MAX)
 */
import { from } from "env-var";
import { CHAT_HISTORY_CHANNELS_MAX, CHAT_HISTORY_KEEP, CHAT_LINE_MAX_BYTES } from "../shared/protocol";
import { ConfigError } from "./error";

export interface ChatHistoryBounds {
  lines: number;
  lineBytes: number;
  channels: number;
}

/** Smallest line-bytes bound: a short line with its name and ids must fit. */
export const CHAT_LINE_BYTES_MIN = 256;

export function readChatHistoryBounds(env: Record<string, string>): ChatHistoryBounds {
  const vars = from(env);
  const lines = vars.get("CHAT_HISTORY_LINES").default(String(CHAT_HISTORY_KEEP)).asIntPositive();
  const lineBytes = vars.get("CHAT_HISTORY_LINE_BYTES").default(String(CHAT_LINE_MAX_BYTES)).asIntPositive();
  const channels = vars.get("CHAT_HISTORY_CHANNELS").default(String(CHAT_HISTORY_CHANNELS_MAX)).asIntPositive();
  if (lines < 1) throw new ConfigError('"CHAT_HISTORY_LINES" must be at least 1');
  if (channels < 1) throw new ConfigError('"CHAT_HISTORY_CHANNELS" must be at least 1');
  if (lineBytes < CHAT_LINE_BYTES_MIN) throw new ConfigError(`"CHAT_HISTORY_LINE_BYTES" must be at least ${CHAT_LINE_BYTES_MIN}`);
  return { lines, lineBytes, channels };
}
