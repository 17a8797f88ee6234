import express from "express";
import type { ChatArchive } from "../chat/history";
import { erasePlayerLines, exportPlayerLines } from "../chat/retention";
import type { Logger } from "../telemetry/log";

/** Under OpsPath.admin, behind the admin credentials: one player's chat lines, every channel. */
export const CHAT_LINES_PATH = "/chat/players/:playerId/lines";

/**
 * The chat data admin API (docs/operating.md "Chat data"): GET exports a player's kept lines as JSON,
 * DELETE erases them, in memory or in Redis, whichever the server keeps them in.
 */
export function chatDataRoutes(archive: ChatArchive, log: Logger): express.Router {
  const router = express.Router();
  router.get(CHAT_LINES_PATH, (req, res, next) => {
    exportPlayerLines(archive, req.params.playerId).then((result) => {
      if (!result.ok) return void res.status(400).json({ error: result.message, code: result.code });
      res.json({ playerId: result.playerId, lines: result.lines });
    }, next);
  });
  router.delete(CHAT_LINES_PATH, (req, res, next) => {
    erasePlayerLines(archive, req.params.playerId, log).then((result) => {
      if (!result.ok) return void res.status(400).json({ error: result.message, code: result.code });
      res.json({ erased: result.erased });
    }, next);
  });
  return router;
}
