import { ClientState, matchMaker, subscribeLobby, type Client } from "@colyseus/core";
import type { Identity } from "../auth/identity";
import { parseLobbyOptions, type LobbyJoin } from "../shared/parse";
import { RoomName, type LobbyFilter, type ListedRoom } from "../shared/payloads";
import { LOBBY_FULL_LIST_INTERVAL_MS } from "../shared/tuning";
import { afterAcknowledgement } from "./acknowledged";
import { guardedRoom, type Addressed } from "./guardedRoom";
import type { Handlers } from "./messages";

type LobbyClient = Client<unknown, LobbyJoin & Identity & Addressed>;
/** Colyseus's listing of one room, as matchMaker.query and subscribeLobby give it. */
type Listing = Awaited<ReturnType<typeof matchMaker.query>>[number];

interface Listener {
  filter: LobbyFilter | undefined;
  /** Room clock time of the last full list sent, or of none yet. */
  fullListAt: number;
  /** A full list is due when the interval is up (a filter came sooner). */
  fullListDue: boolean;
}

/** Only what a client may see of a listing: no process id or address of the server behind it. */
function listed(room: Listing): ListedRoom {
  return {
    roomId: room.roomId,
    name: room.name,
    clients: room.clients,
    maxClients: room.maxClients,
    locked: room.locked === true,
    metadata: { ...(room.metadata as Record<string, unknown> | undefined) },
  };
}

function passes(room: ListedRoom, filter: LobbyFilter | undefined): boolean {
  if (!filter) return true;
  if (room.name !== filter.name) return false;
  return Object.entries(filter.metadata ?? {}).every(([key, value]) => room.metadata[key] === value);
}

/**
 * The live listing of open rooms across every process (what Colyseus's LobbyRoom does, on the
 * guarded base): a client gets the rooms passing its filter in full once it acknowledged its join, then one room at a
 * time as rooms are created, change or go; a new `filter` buys at most one full list per
 * LOBBY_FULL_LIST_INTERVAL_MS.
 */
export class LobbyRoom extends guardedRoom(RoomName.lobby, parseLobbyOptions)<object> {
  private rooms = new Map<string, ListedRoom>();
  private listeners = new Map<string, Listener>();
  private unsubscribe: (() => void) | undefined;

  readonly messages: Handlers<"lobby", LobbyClient> = {
    filter: (client, filter) => this.onFilter(client, filter),
  };

  protected async create() {
    this.listing.unlisted = true;
    this.unsubscribe = await subscribeLobby((roomId, data) => this.onListing(roomId, data));
    for (const room of await matchMaker.query({ private: false, unlisted: false })) this.rooms.set(room.roomId, listed(room));
  }

  onJoin(client: LobbyClient, _options: unknown, auth: LobbyJoin & Identity & Addressed) {
    this.listeners.set(client.sessionId, { filter: auth.filter, fullListAt: -Infinity, fullListDue: false });
    // No list before JOIN_ROOM is acknowledged: Colyseus would queue it for a client that may never answer.
    afterAcknowledgement(client, () => this.sendFullList(client));
  }

  /** The lobby keeps no seat: a dropped client simply joins again. */
  protected isFinalLeave(): boolean {
    return true;
  }

  protected left(client: LobbyClient) {
    this.listeners.delete(client.sessionId);
  }

  onDispose() {
    this.unsubscribe?.();
  }

  private onFilter(client: LobbyClient, filter: LobbyFilter) {
    const listener = this.listeners.get(client.sessionId);
    if (!listener) return;
    listener.filter = filter;
    // Not yet acknowledged: the first list, sent then, is for this latest filter.
    if (client.state !== ClientState.JOINED) return;
    if (listener.fullListDue) return; // the list due will be for this latest filter
    const waitMs = listener.fullListAt + LOBBY_FULL_LIST_INTERVAL_MS - this.clock.currentTime;
    if (waitMs <= 0) return this.sendFullList(client);
    listener.fullListDue = true;
    this.clock.setTimeout(() => {
      const still = this.clients.getById(client.sessionId);
      if (still && listener.fullListDue) this.sendFullList(still);
    }, waitMs);
  }

  private sendFullList(client: Client) {
    const listener = this.listeners.get(client.sessionId);
    if (!listener) return;
    listener.fullListAt = this.clock.currentTime;
    listener.fullListDue = false;
    this.send(client, "rooms", [...this.rooms.values()].filter((room) => passes(room, listener.filter)));
  }

  /** One room created, changed or gone (`data` undefined or null): tell each listener whose filter it passes or passed. */
  private onListing(roomId: string, data: Listing | null | undefined) {
    const before = this.rooms.get(roomId);
    const after = data ? listed(data) : undefined;
    if (after) this.rooms.set(roomId, after);
    else this.rooms.delete(roomId);
    for (const client of this.clients) {
      // A client not yet acknowledged gets the whole list once it is.
      if (client.state !== ClientState.JOINED) continue;
      const filter = this.listeners.get(client.sessionId)?.filter;
      const had = before !== undefined && passes(before, filter);
      if (after && passes(after, filter)) this.send(client, "+", [roomId, after]);
      else if (had) this.send(client, "-", roomId);
    }
  }
}
