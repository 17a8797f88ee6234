import { MapSchema, Schema, type } from "@colyseus/schema";

/** One fighter. Data only: the rules live in server/shared/game.ts. */
export class Player extends Schema {
  @type("string") name = "";
  /** Position in whole world units, within [0, width] x [0, height]. */
  @type("uint16") x = 0;
  @type("uint16") y = 0;
  @type("uint8") hp = 0;
  @type("boolean") alive = true;
  @type("uint32") kills = 0;
  @type("uint32") deaths = 0;
  /** `seq` of the last `move` the server applied; clients reconcile their prediction against it. */
  @type("uint32") lastInput = 0;
}

export class BattleState extends Schema {
  /** Keyed by sessionId. */
  @type({ map: Player }) players = new MapSchema<Player>();
  @type("uint16") width = 0;
  @type("uint16") height = 0;
  /** Simulation ticks since the room started. */
  @type("uint32") tick = 0;
}
