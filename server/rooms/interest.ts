import type { Client, Room } from "@colyseus/core";
import { StateView, type Encoder, type Iterator } from "@colyseus/schema";
import { InterestSets } from "../shared/interest";
import type { BattleState, Player } from "./schema/BattleState";

/**
 * Keeps each client's StateView to the players near its own (server/shared/interest.ts decides who).
 * The own player is added at join and never removed, so a client always sees itself.
 */
export class InterestViews {
  private readonly sets = new InterestSets<string>();

  private readonly state: BattleState;

  constructor(room: Room<BattleState>) {
    this.state = room.state;
    const serializer = (room as unknown as { _serializer: { encoder: Encoder } })._serializer;
    encodeEachViewFromSharedOffset(serializer.encoder);
  }

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

  /** Whether `viewer`'s view holds `player` now: the one question events to nearby players ask. */
  canSee(viewer: string, player: string): boolean {
    return viewer === player || this.sets.visibleTo(viewer).has(player);
  }
}

/**
 * Colyseus 0.16's SchemaSerializer encodes every client's view after the previous one in the same
 * buffer, so one tick needs room for all views together; past the buffer, @colyseus/schema 3.0.76
 * allocates a bigger one without keeping it, so every later client of every tick copies the whole
 * buffer again and logs a warning (measured: 500 players, 53 ms of a 50 ms tick). Each view is
 * returned as a fresh copy, so encoding every view from the end of the shared patch is equivalent
 * and needs room for the shared patch plus one view.
 */
export function encodeEachViewFromSharedOffset(encoder: Encoder): void {
  const encodeView = encoder.encodeView.bind(encoder);
  encoder.encodeView = (view: StateView, sharedOffset: number, _it: Iterator, bytes?: Buffer) =>
    encodeView(view, sharedOffset, { offset: sharedOffset }, bytes);
}
