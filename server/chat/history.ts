import type { ChatLine } from "../shared/protocol";

/** A channel's recent lines, newest last, holding at most `keep` of them. */
export class ChatHistory {
  private lines: ChatLine[] = [];

  constructor(private readonly keep: number) {}

  append(line: ChatLine): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
  }

  /** The newest `count` lines, oldest first. */
  latest(count: number): ChatLine[] {
    return this.lines.slice(-count);
  }
}
