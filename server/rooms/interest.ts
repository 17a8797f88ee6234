import type { Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { InterestSets } from "../shared/interest";
import type { BattleState, Player } from "./schema/BattleState";

/**
 * Keeps each client's StateView to the players near its own (server/shared/interest.ts decides who).
 * The own player is added at join and never removed, so a client always sees itself.
 */
export class InterestViews {
  private readonly sets = new InterestSets<string>();

  constructor(private readonly state: BattleState) {}

  join(client: Client, own: Player): void {
    client.view ??= new StateView();
    client.view.add(own);
  }

  /** Once per tick, before the patch: connected clients' views follow their players. */
  update(clients: Iterable<Client>): void {
    const bySession = new Map<string, Client>();
    for (const client of clients) if (client.view) bySession.set(client.sessionId, client);
    const players = this.state.players;
    this.sets.update(bySession.keys(), players.entries(), {
      enter: (viewer, target) => bySession.get(viewer)!.view!.add(players.get(target)!),
      leave: (viewer, target) => bySession.get(viewer)!.view!.remove(players.get(target)!),
    });
  }

  leave(sessionId: string): void {
    this.sets.forget(sessionId);
  }
}
