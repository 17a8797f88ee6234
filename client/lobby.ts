/** The lobby: the open battle rooms, live, through Colyseus's LobbyRoom. */
import type { Client } from "colyseus.js";
import { ServerMessage } from "../server/shared/messages";
import { RoomName, type ListedRoom } from "../server/shared/payloads";
import { readRoomNameParts, roomNameOf, roomNameParts } from "../server/shared/roomNames";
import { byId, el } from "./dom";
import { currentLanguage, t } from "./i18n";
import { isAuthRefusal } from "./identity";
import { backoffDelayMs, CLOSE_CONSENTED, describeJoinError, isBanned, isProtocolMismatch } from "./net";
import { onMessage, roomsOf, type GameRoom } from "./rooms";
import type { ClientStates } from "./state";

/** The listing, kept up to date from LobbyRoom's messages. Pure, so it is tested without a browser. */
export class RoomList {
  private rooms = new Map<string, ListedRoom>();

  reset(rooms: ListedRoom[]): void {
    this.rooms = new Map(rooms.map((room) => [room.roomId, room]));
  }

  upsert(roomId: string, room: ListedRoom): void {
    this.rooms.set(roomId, room);
  }

  remove(roomId: string): void {
    this.rooms.delete(roomId);
  }

  /** Battle rooms, fullest first (a fuller battle is more fun), then by id for a steady order. */
  battles(): ListedRoom[] {
    return [...this.rooms.values()]
      .filter((room) => room.name === RoomName.battle)
      .sort((a, b) => b.clients - a.clients || a.roomId.localeCompare(b.roomId));
  }
}

export class LobbyView {
  private readonly list = byId<HTMLUListElement>("room-list");
  private readonly status = byId("lobby-status");
  private readonly rooms = new RoomList();
  private room: GameRoom<"lobby", undefined> | null = null;
  private active = false;
  /** Bumped by every connect and disconnect: a loop of an older generation stops (and leaves its room). */
  private generation = 0;

  /** `client`: where the lobby is joined; none until the region is known ({@link use}). */
  constructor(private client: Client | null, private readonly onJoin: (roomId: string) => void) {}

  /** Lists the rooms of the region `client` plays in (a region picked, or one that would not take a join). */
  async use(client: Client): Promise<void> {
    await this.disconnect();
    this.client = client;
    this.rooms.reset([]);
    await this.connect();
  }

  /** Joins the lobby, and joins it again with backoff if the socket drops. */
  async connect(attempt = 0, generation = ++this.generation): Promise<void> {
    if (!this.client) return;
    this.active = true;
    this.status.textContent = t("lobby.connecting");
    const current = () => this.active && generation === this.generation;
    try {
      const room = await roomsOf<ClientStates>(this.client).joinOrCreate(RoomName.lobby, { filter: { name: RoomName.battle } });
      if (!current()) return void room.leave(true);
      this.room = room;
      this.status.textContent = "";
      // The whole list on join, then one room added or changed ("+") or gone ("-").
      onMessage(room, ServerMessage.rooms, (rooms) => this.update(() => this.rooms.reset(rooms)));
      onMessage(room, ServerMessage["+"], ([roomId, listed]) => this.update(() => this.rooms.upsert(roomId, listed)));
      onMessage(room, ServerMessage["-"], (roomId) => this.update(() => this.rooms.remove(roomId)));
      room.onLeave((code) => {
        if (current() && code !== CLOSE_CONSENTED) void this.retry(0, generation);
      });
    } catch (error) {
      // A refused token, a page older than the server, or a ban stays refused: say so instead of retrying.
      if (isAuthRefusal(error) || isProtocolMismatch(error) || isBanned(error)) this.status.textContent = describeJoinError(error);
      else if (current()) await this.retry(attempt, generation);
    }
  }

  private async retry(attempt: number, generation: number): Promise<void> {
    this.status.textContent = t("lobby.retrying");
    await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt)));
    if (this.active && generation === this.generation) await this.connect(attempt + 1, generation);
  }

  async disconnect(): Promise<void> {
    this.active = false;
    this.generation++;
    const room = this.room;
    this.room = null;
    if (room?.connection?.isOpen) await room.leave(true);
  }

  /** Draws the list again (after a language change). */
  refresh(): void {
    if (this.room) this.update(() => {});
  }

  private update(change: () => void): void {
    change();
    const battles = this.rooms.battles();
    if (battles.length === 0) {
      this.list.replaceChildren(el("li", "empty", t("lobby.empty")));
      return;
    }
    this.list.replaceChildren(...battles.map((room) => this.row(room)));
  }

  private row(room: ListedRoom): HTMLLIElement {
    const full = room.locked === true || room.clients >= room.maxClients;
    const item = el("li");
    item.dataset.roomId = room.roomId;
    const { name: published } = room.metadata as { name?: { modifier?: unknown; noun?: unknown } };
    const parts = readRoomNameParts(published?.modifier, published?.noun) ?? roomNameParts(room.roomId);
    const name = roomNameOf(parts, currentLanguage());
    const join = el("button", "join", t(full ? "lobby.full" : "lobby.join"));
    join.setAttribute("aria-label", t("lobby.joinRoom", { room: name }));
    join.disabled = full;
    join.addEventListener("click", () => this.onJoin(room.roomId));
    // The name to read and say; the id, small, for telling apart two rooms that share a name.
    item.append(
      el("span", "room-name", name),
      el("span", "room-id", room.roomId),
      el("span", "count", t("lobby.players", { count: room.clients, max: room.maxClients })),
      join,
    );
    return item;
  }
}
