/**
 * Shared by the slow-reader and never-acked-join scenarios: listed battle rooms make every lobby
 * `filter` reply a few KB, so an attacker in the lobby asks for far more than it sends.
 */
import { RoomName } from "../../server/shared/protocol";
import { openRawRoom, roomData, type RawRoom } from "../helpers/rawRoom";

/** A `filter` request for every battle room: the lobby answers with the whole list. */
export const FILTER_FRAME = roomData(RoomName.lobby, "filter", { name: RoomName.battle });
/**
 * Filter requests an attacker sends per burst, and how often: 500/s, enough to reach the backlog
 * cap through the kernel's buffers within seconds, not so many that the lobby's CPU cost (it has no
 * rate limit of its own) is all an attack measures.
 */
const FILTERS_PER_BURST = 5;
const BURST_EVERY_MS = 10;

/**
 * `count` public battle rooms, each held by one raw client that reads normally, each from an address
 * of its own (X-Real-IP through the suite's trusted proxy): scenery, not the attacking address.
 */
export async function holdBattleRooms(httpUrl: string, count: number): Promise<RawRoom[]> {
  const holders: RawRoom[] = [];
  for (let i = 0; i < count; i++) {
    try {
      const holder = await openRawRoom(httpUrl, "create", RoomName.battle, { name: `Holder${i}` }, { headers: { "X-Real-IP": `10.9.0.${i + 1}` } });
      await holder.joined;
      holders.push(holder);
    } catch {
      // A room refused (a per-address limit, say) only makes the lobby's replies smaller.
    }
  }
  return holders;
}

/** Sends `filter` bursts on `attacker` until it closes or `until` settles. */
export async function askForRoomLists(attacker: RawRoom, until: Promise<unknown>): Promise<number> {
  let sent = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < FILTERS_PER_BURST; i++) attacker.send(FILTER_FRAME);
    sent += FILTERS_PER_BURST;
  }, BURST_EVERY_MS);
  await Promise.race([attacker.gone, until]);
  clearInterval(timer);
  return sent;
}

/** Closes every socket of `rooms` (the scenario's own). */
export function closeAll(rooms: RawRoom[]): void {
  for (const room of rooms) room.close();
}
