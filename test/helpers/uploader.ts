/**
 * A process that uploads a 100 MB chunked body to every matchmaking spelling in turn, never reading
 * the answer, and prints one JSON line per upload ({ path, status, sentBytes }). Attackers in
 * processes of their own overlap as real ones do: in one test process the uploads take turns, and
 * the race that once made the server read whole bodies (stopReading in frontDoor.ts) hid.
 *
 *   node --import tsx test/helpers/uploader.ts <port> <first spelling index>
 */
import { MATCHMAKE_SPELLINGS } from "../fuzz/http";
import { streamBody } from "./raw";

export const UPLOAD_BYTES = 100 * 1024 * 1024;

async function main(port: number, offset: number): Promise<void> {
  for (let i = 0; i < MATCHMAKE_SPELLINGS.length; i++) {
    const path = MATCHMAKE_SPELLINGS[(i + offset) % MATCHMAKE_SPELLINGS.length];
    const { status, sentBytes } = await streamBody(port, path, UPLOAD_BYTES, { untilHangUp: true });
    process.stdout.write(`${JSON.stringify({ path, status, sentBytes })}\n`);
  }
}

if (process.argv[1]?.endsWith("uploader.ts")) void main(Number(process.argv[2]), Number(process.argv[3] ?? 0));
