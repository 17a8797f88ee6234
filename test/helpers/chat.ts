/** Chat helpers shared by the in-process and the multi-process chat tests. */
import assert from "node:assert/strict";
import type { Client } from "colyseus.js";
import { onMessage, rejoin, send, type GameRoom } from "../../client/rooms";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { ClientMessage, ServerMessage } from "../../server/shared/messages";
import { type ChatLine, type RoomName } from "../../server/shared/payloads";
import { nextMessage } from "./rooms";
import { EVENT_TIMEOUT_MS } from "./wait";

type Chat = GameRoom<"chat", ChatState>;

/** The next chat line `room` hears that `matches`. */
export function nextLine(room: Chat, matches: (line: ChatLine) => boolean, what = "a chat line", timeoutMs = EVENT_TIMEOUT_MS): Promise<ChatLine> {
  return nextMessage(room, ServerMessage.chat, matches, timeoutMs).catch(() => {
    throw new Error(`timed out waiting for ${what}`);
  });
}

/** Sends `text` from `sender` and resolves with its line as `receiver` (the sender itself by default) hears it. */
export function say(sender: Chat, text: string, receiver: Chat = sender): Promise<ChatLine> {
  const relayed = nextLine(receiver, (line) => line.kind === "user" && line.sessionId === sender.sessionId && line.text === text.trim(), `the line "${text.slice(0, 40)}"`);
  send(sender, ClientMessage.chat, { text });
  return relayed;
}

/** Every chat line a client gets, from `history` and live, in arrival order. */
export function record(room: Chat): ChatLine[] {
  const lines: ChatLine[] = [];
  onMessage(room, ServerMessage.history, (history) => lines.push(...history.lines));
  onMessage(room, ServerMessage.chat, (line) => lines.push(line));
  onMessage(room, ServerMessage.error, () => {});
  return lines;
}

/** Resolves once `lines` holds a line matching `predicate` (checked on every message of `room`). */
export function seen(room: Chat, lines: ChatLine[], predicate: (line: ChatLine) => boolean, what: string, timeoutMs = 8000): Promise<ChatLine> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = lines.find(predicate);
      if (!line) return false;
      clearTimeout(timer);
      unbindChat();
      unbindHistory();
      resolve(line);
      return true;
    };
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const unbindChat = onMessage(room, ServerMessage.chat, () => queueMicrotask(check));
    const unbindHistory = onMessage(room, ServerMessage.history, () => queueMicrotask(check));
    check();
  });
}

/** Ids must run without a gap or a repeat, in order. */
export function assertContiguous(lines: ChatLine[]) {
  const ids = lines.map((line) => line.id);
  const expected = Array.from({ length: ids.length }, (_, i) => ids[0] + i);
  assert.deepEqual(ids, expected, `ids not contiguous: ${ids.join(",")}`);
}

/** Sends `${prefix}1`, `${prefix}2`... every `everyMs` until stopped; returns the text of the last one. */
export function chatter(room: Chat, prefix: string, everyMs = 20) {
  let sent = 0;
  const timer = setInterval(() => send(room, ClientMessage.chat, { text: `${prefix}${++sent}` }), everyMs);
  return {
    count: () => sent,
    stop: () => {
      clearInterval(timer);
      return `${prefix}${sent}`;
    },
  };
}

/** Reconnects with `dropped`'s token; retries while the server has not yet noticed the dropped socket. */
export async function reconnect<R extends RoomName, S>(client: Pick<Client, "reconnect">, dropped: GameRoom<R, S>): Promise<GameRoom<R, S>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rejoin(client, dropped);
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
