/**
 * One attack of the standing abuse suite (`npm run abuse`, a short run in `npm test`).
 *
 * The runner starts a real server process with default settings, keeps an honest player moving in
 * another battle room (and, where it matters, one in the attacked room), runs one scenario at a time
 * and prints what the scenario measured beside the honest player's patches/s, move→ack p50 and the
 * server's RSS growth.
 */
export interface AbuseContext {
  /** http://127.0.0.1:<port> of the server under attack. */
  httpUrl: string;
  /** ws://127.0.0.1:<port> of the same server. */
  wsUrl: string;
  /** Short runs (inside `npm test`) bound their loops tighter; the full run lasts about 20 s per scenario. */
  short: boolean;
  /** Resolves once `ms` of attack time has passed or the run is aborted; attacks loop until it settles. */
  attackFor(ms: number): Promise<void>;
}

/** What a scenario reports: its own counters (refusals seen, lines kept, bytes queued...). */
export type AbuseFigures = Record<string, number | string | boolean>;

export interface AbuseScenario {
  /** Short, unique, kebab-case: "slow-reader", "room-flood"... */
  name: string;
  /** What it attacks, in one line, for the printed table. */
  attack: string;
  /**
   * Runs the attack against the server and checks the attacker was stopped; throws (an assertion)
   * when the defence did not hold. Must stop by itself and close every socket it opened.
   */
  run(ctx: AbuseContext): Promise<AbuseFigures>;
}
