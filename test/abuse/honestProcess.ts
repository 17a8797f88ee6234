/**
 * The honest players in a process of their own (forked by suite.ts), so the attack's own sockets and
 * timers never slow what they measure. IPC: {join: wsUrl, window}, "start", "stop" (answered with
 * the HonestFigures), then "leave"; every command is answered.
 */
import { joinHonest, type Honest, type HonestFigures } from "./honest";

export type HonestCommand = { join: string; window: string } | "start" | "stop" | "leave";
export type HonestReply = { ok: true } | { figures: HonestFigures } | { error: string };

let honest: Honest | undefined;
const reply = (message: HonestReply) => process.send!(message);

process.on("message", (command: HonestCommand) => {
  void (async () => {
    try {
      if (typeof command === "object") {
        honest = await joinHonest(command.join, command.window);
        reply({ ok: true });
      } else if (command === "start") {
        honest!.start();
        reply({ ok: true });
      } else if (command === "stop") reply({ figures: await honest!.stop() });
      else {
        await honest?.leave();
        process.exit(0);
      }
    } catch (error) {
      reply({ error: error instanceof Error ? error.message : String(error) });
    }
  })();
});
