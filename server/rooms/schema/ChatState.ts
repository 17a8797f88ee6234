import { MapSchema, Schema, type } from "@colyseus/schema";

export class Member extends Schema {
  @type("string") name = "";
  /** The token's `sub`, or a `guest-` id: what moderation acts on. */
  @type("string") playerId = "";
}

/** The channel's member list; lines travel as messages, not state, so history stays bounded. */
export class ChatState extends Schema {
  @type("string") channel = "";
  /** Keyed by sessionId. */
  @type({ map: Member }) members = new MapSchema<Member>();
}
