/**
 * Bots this process runs at once (MAX_BOTS). A bot costs CPU every tick and a client can ask for
 * bots (a room of its own, a `bots` option), so what a crowd of rooms can buy is bounded here: a
 * battle takes a bot from the budget before seating it and gives it back when the bot leaves.
 */
export class BotBudget {
  private live = 0;

  /** `report`: told the number of bots after every change (the game_bots gauge). */
  constructor(
    readonly max: number,
    private readonly report: (bots: number) => void = () => {},
  ) {}

  /** Takes one bot's place; false when MAX_BOTS run already. */
  take(): boolean {
    if (this.live >= this.max) return false;
    this.live += 1;
    this.report(this.live);
    return true;
  }

  /** Gives one bot's place back. */
  give(): void {
    this.live = Math.max(0, this.live - 1);
    this.report(this.live);
  }

  /** Bots running now. */
  get running(): number {
    return this.live;
  }
}
