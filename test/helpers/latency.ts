import { createServer, connect, type Socket } from "node:net";
import { seededRng } from "../../server/shared/game";

/**
 * Netcode test harness: a TCP proxy on a free loopback port that delays every byte by half a round
 * trip plus up to `jitterMs`, in each direction, keeping order (a late chunk holds back the next
 * ones, as TCP does). Matchmaking and the websocket both go through it when a colyseus.js client
 * uses `endpoint`.
 */
export interface LatencyOptions {
  /** Round trip added between client and server (half each way). */
  rttMs: number;
  /** Extra delay per chunk, uniformly 0..jitterMs, each way. */
  jitterMs?: number;
  /** Seed of the jitter, so a run can be repeated. */
  seed?: number;
  /** Where the proxy listens (default 127.0.0.1 on a free port): another loopback address lets one port lead to different latencies per viewer. */
  host?: string;
  port?: number;
}

export interface LatencyProxy {
  /** http://127.0.0.1:<port>, for `new Client(endpoint)`. */
  endpoint: string;
  close(): Promise<void>;
}

export async function latencyProxy(targetPort: number, options: LatencyOptions): Promise<LatencyProxy> {
  const rng = seededRng(options.seed ?? 1);
  const oneWay = options.rttMs / 2;
  const jitter = options.jitterMs ?? 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  /**
   * Forwards `from` to `to`, each chunk delivered oneWay (+ jitter) after it arrived, in order. One
   * queue and one timer per direction: a timer per chunk can fire out of order, since Node measures
   * each delay from the loop's cached clock, and a reordered chunk corrupts the stream.
   */
  function delayed(from: Socket, to: Socket): void {
    const queue: { at: number; chunk?: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      if (timer) timers.delete(timer);
      timer = undefined;
      while (queue.length > 0 && queue[0].at <= performance.now()) {
        const { chunk } = queue.shift()!;
        if (to.destroyed) continue;
        if (chunk) to.write(chunk);
        else to.end();
      }
      if (queue.length > 0) schedule();
    };
    const schedule = (): void => {
      if (timer) timers.delete(timer);
      clearTimeout(timer);
      timer = setTimeout(pump, Math.max(1, queue[0].at - performance.now()));
      timers.add(timer);
    };
    const enqueue = (at: number, chunk?: Buffer): void => {
      queue.push({ at: Math.max(queue.at(-1)?.at ?? 0, at), chunk });
      if (queue.length === 1) schedule();
    };
    from.on("data", (chunk) => enqueue(performance.now() + oneWay + rng() * jitter, chunk));
    // A close travels with the same delay, after the data before it.
    from.on("end", () => enqueue(performance.now() + oneWay));
  }

  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on("close", () => sockets.delete(socket));
    }
    delayed(client, upstream);
    delayed(upstream, client);
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
