/**
 * Chat bots for @colyseus/loadtest: each joins one of a few channels and talks at a human rate.
 *
 *   npm run loadtest:chat -- --numClients 300 [--channels 3] [--duration 60] [--endpoint ws://host:2567]
 */
import { cli, type Options } from "@colyseus/loadtest";
import { Client } from "colyseus.js";
import { asRoom, send } from "../client/rooms";
import { ClientMessage, ServerMessage, type JoinOptions } from "../server/shared/messages";
import { PROTOCOL_VERSION, RoomName } from "../server/shared/payloads";
import { startSession } from "./session";

/** A human says something every few seconds (random in the range). */
const SAY_EVERY_MS = { min: 3000, max: 15000 };
const PHRASES = ["hi all", "anyone up for a battle?", "gg", "lag?", "brb", "nice one", "who is winning", "o/"];

// The loadtest CLI ignores options it does not know, so ours ride along on the same command line
// (--duration and the server's figures at the end: ./session.ts).
const { values } = startSession({ channels: { type: "string", default: "3" } });
const channels = Math.max(1, Number.parseInt(String(values.channels), 10) || 1);

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];

async function main(options: Options) {
  const client = new Client(options.endpoint);
  const channel = `loadtest-${options.clientId % channels}`;
  const join: JoinOptions["chat"] = { channel, name: `bot${options.clientId}`, protocol: PROTOCOL_VERSION };
  // --room names the chat room type (the CLI requires it).
  const room = asRoom(RoomName.chat, await client.joinOrCreate(options.roomName, join));
  for (const type of Object.values(ServerMessage)) room.onMessage(type, () => {});

  let timer: NodeJS.Timeout;
  const sayLater = () => {
    timer = setTimeout(() => {
      send(room, ClientMessage.chat, { text: pick(PHRASES) });
      sayLater();
    }, SAY_EVERY_MS.min + Math.random() * (SAY_EVERY_MS.max - SAY_EVERY_MS.min));
  };
  sayLater();

  room.onLeave((code) => {
    clearTimeout(timer);
    console.log(`${room.sessionId} left (${code})`);
  });
}

cli(main);
