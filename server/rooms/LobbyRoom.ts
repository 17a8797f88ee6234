import { LobbyRoom } from "@colyseus/core";
import { identify, type Identity } from "../auth/identity";

/** Colyseus's LobbyRoom behind the same door as the game rooms: in auth mode, no token, no room list. */
export class SignedLobbyRoom extends LobbyRoom {
  static async onAuth(token: string | undefined): Promise<Identity> {
    return identify(token);
  }
}
