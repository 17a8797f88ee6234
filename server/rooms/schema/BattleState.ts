import { MapSchema, Schema, type, view } from "@colyseus/schema";

/**
 * View tag of the fields only the player's own client gets (server/rooms/interestViews.ts): its ack
 * would otherwise be 5 of every moved player's bytes in everyone's patch.
 */
export const OWN_VIEW_TAG = 1;

/**
 * One fighter. Data only: the rules live in server/shared/game.ts. Name, kills and deaths go to
 * every client (the scoreboard); the `@view()` fields go to the clients that hold this player in
 * view: with interest management those near it, otherwise everyone (server/rooms/interestViews.ts).
 */
export class Player extends Schema {
  @type("string") name = "";
  /** Position in whole world units, within [0, width] x [0, height]. */
  @view() @type("uint16") x = 0;
  @view() @type("uint16") y = 0;
  @view() @type("uint8") hp = 0;
  @view() @type("boolean") alive = true;
  @type("uint32") kills = 0;
  @type("uint32") deaths = 0;
  /** A server-side bot (server/rooms/bots.ts), shown as one; it leaves as players join. */
  @type("boolean") bot = false;
  /** `seq` of the last `move` the server applied; only its own client gets it, to reconcile its prediction. */
  @view(OWN_VIEW_TAG) @type("uint32") lastInput = 0;
}

export class BattleState extends Schema {
  /** Keyed by sessionId. */
  @type({ map: Player }) players = new MapSchema<Player>();
  @type("uint16") width = 0;
  @type("uint16") height = 0;
  /** Simulation ticks since the room started. */
  @type("uint32") tick = 0;
  /** The room's friendly name, as indexes into the word lists of server/shared/roomNames.ts (each client words it in its language). */
  @type("uint8") nameModifier = 0;
  @type("uint8") nameNoun = 0;
}
