/** Entry: the lobby screen, then a battle with its chat; back to the lobby on leave. */
import { ClientMessage, ServerMessage } from "../server/shared/messages";
import { RoomName, type BattleChatTicket, type CreateBattleOptions } from "../server/shared/payloads";
import { BattleSession, type BattleRoom } from "./battle";
import { readRoomNameParts, roomName } from "../server/shared/roomNames";
import { ChatPanel } from "./chat";
import { BattleChrome } from "./chrome";
import { byId, el } from "./dom";
import { ControlsHint } from "./hint";
import { Hud, statusText } from "./hud";
import { LANGUAGE_KEY, LANGUAGE_NAMES, currentLanguage, pickLanguage, t, useLanguage, type Language } from "./i18n";
import { translatedNodes, translatePage } from "./i18n/dom";
import { LobbyView } from "./lobby";
import { Looks } from "./look";
import { takeToken, tokenClaims } from "./identity";
import { createClient, describeJoinError, isUnreachable } from "./net";
import { RegionControl } from "./regionPicker";
import { Renderer } from "./render";
import { onMessage, roomsOf, send, type Rooms } from "./rooms";
import { SoundCues } from "./sound";
import type { ClientStates } from "./state";
import { isCoarsePointer } from "./touch";
import { TransportChoice } from "./transport";

/** Read-only handle for the browser tests and the curious: what the last frame drew. */
declare global {
  interface Window {
    game?: { readonly battle: BattleSession | null };
  }
}

const NAME_KEY = "battle.name";
const ROOM_PARAM = "room";
/** A room link names the room's region too: the room lives there. */
const REGION_PARAM = "region";

const token = takeToken();
/** WebSocket, or the long-polling fallback once the page needed it (client/transport.ts). */
const transport = new TransportChoice();
/** The region's client, once the region is chosen (client/regionPicker.ts); the page's origin until then. */
let client = createClient(token, transport);
let rooms = roomsOf<ClientStates>(client);
const lobbyScreen = byId("lobby-screen");
const battleScreen = byId("battle-screen");
const nameInput = byId<HTMLInputElement>("name");
const lobbyMessage = byId("lobby-message");
const chatInput = byId<HTMLInputElement>("chat-input");
const chatStatus = byId("chat-status");
const looks = new Looks();
const hud = new Hud(looks);
const renderer = new Renderer(byId<HTMLCanvasElement>("canvas"), looks);
const sound = new SoundCues(localStorage);
const chrome = new BattleChrome(sound);
const hint = new ControlsHint(localStorage);
const invited = new URLSearchParams(location.search).get(ROOM_PARAM);
const lobby = new LobbyView(null, (roomId) => enter((via) => via.joinById(RoomName.battle, roomId, options())));
const regions = new RegionControl(localStorage, (url) => useRegion(url));
const transportNotice = byId("transport-notice");
transport.onChange((mode) => (transportNotice.hidden = mode !== "polling"));

/** Plays in the region at `url` from now on: matchmaking, sockets and the lobby's list. */
function useRegion(url: string): void {
  client = createClient(token, transport, url);
  rooms = roomsOf<ClientStates>(client);
  void lobby.use(client);
}

const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
const languagePicker = byId<HTMLSelectElement>("language");
for (const [code, name] of Object.entries(LANGUAGE_NAMES)) {
  const option = el("option", "", name);
  option.value = code;
  option.lang = code;
  languagePicker.append(option);
}
function applyLanguage(language: Language): void {
  useLanguage(language, preferred);
  translatePage();
  languagePicker.value = language;
  lobby.refresh();
  regions.refresh();
  showInvite();
}

/** The invitation of a room link, in the language's own words and punctuation round the room's name. */
function showInvite(): void {
  if (!invited) return;
  const name = el("strong", "", roomName(invited, currentLanguage()));
  name.id = "invite-room";
  name.title = invited;
  byId("invite-line").replaceChildren(...translatedNodes("lobby.invited", { room: name }));
}
applyLanguage(pickLanguage(preferred, localStorage.getItem(LANGUAGE_KEY)));
languagePicker.addEventListener("change", () => {
  localStorage.setItem(LANGUAGE_KEY, languagePicker.value);
  applyLanguage(pickLanguage([], languagePicker.value));
});
// Touch controls and the phone layouts only where the pointer is a finger.
document.body.classList.toggle("touch", isCoarsePointer());

let battle: BattleSession | null = null;
let chat: ChatPanel | null = null;
let busy = false;
window.game = { get battle() { return battle; } };

nameInput.value = localStorage.getItem(NAME_KEY) ?? "";
if (token) {
  // Auth mode: the server takes the name from the token when it has one.
  const claims = tokenClaims(token);
  byId("signed-in").hidden = false;
  byId("signed-in-name").textContent = claims.name ?? claims.sub ?? t("lobby.signedInUnnamed");
  if (claims.name !== undefined) nameInput.closest("label")!.hidden = true;
}

function options(): CreateBattleOptions {
  const name = nameInput.value.trim();
  localStorage.setItem(NAME_KEY, name);
  return name ? { name } : {};
}

async function enter(join: (via: Rooms<ClientStates>) => Promise<BattleRoom>): Promise<void> {
  if (busy) return;
  busy = true;
  lobbyMessage.textContent = "";
  try {
    await regionChosen;
    for (;;) {
      try {
        const room = await join(rooms);
        await lobby.disconnect();
        return await startBattle(room);
      } catch (error) {
        // A region that does not answer at all: the next best takes the join, with a notice.
        const next = isUnreachable(error) ? regions.failover() : undefined;
        if (next === undefined) throw error;
        useRegion(next);
      }
    }
  } catch (error) {
    lobbyMessage.textContent = describeJoinError(error);
  } finally {
    busy = false;
  }
}

async function startBattle(room: BattleRoom): Promise<void> {
  lobbyScreen.hidden = true;
  battleScreen.hidden = false;
  document.body.classList.add("playing");
  // Keyboard play starts here: the quick-play button just vanished with the lobby.
  byId("canvas").focus();
  const link = `/?${ROOM_PARAM}=${encodeURIComponent(room.roomId)}${regions.id ? `&${REGION_PARAM}=${encodeURIComponent(regions.id)}` : ""}`;
  history.replaceState(null, "", link);
  chrome.enter(room.roomId, `${location.origin}${link}`);
  hint.showIfNew();
  battle = new BattleSession(client, room, { renderer, hud, sound, looks, onShutdownClose: () => void freshBattle() });
  chat = new ChatPanel();
  // The chat shows the name the battle gave us (the server may have generated it).
  const name = await ownName(room);
  // The first state has come: the header takes the room's name from it.
  const named = readRoomNameParts(room.state?.nameModifier, room.state?.nameNoun);
  if (named) chrome.named(named);
  chatStatus.textContent = t("chat.joining");
  try {
    const { channel, ticket } = await chatTicket(room);
    await chat.join(client, { channel, ticket, name }, (status) => {
      chatStatus.textContent = t("chat.status", { status: statusText(status) });
    });
  } catch (error) {
    chatStatus.textContent = t("chat.unavailable", { reason: describeJoinError(error) });
  }
}

/** The battle's chat channel and the ticket that admits this player to it. */
function chatTicket(room: BattleRoom): Promise<BattleChatTicket> {
  return new Promise((resolve) => {
    const unbind = onMessage(room, ServerMessage.battleChat, (answer) => {
      unbind();
      resolve(answer);
    });
    send(room, ClientMessage.chatTicket);
  });
}

function ownName(room: BattleRoom): Promise<string | undefined> {
  const now = () => room.state?.players?.get(room.sessionId)?.name;
  if (now()) return Promise.resolve(now());
  return new Promise((resolve) => room.onStateChange.once(() => resolve(now())));
}

/** The battle closed after the shutdown notice (its server left for a deploy): a fresh battle, elsewhere. */
async function freshBattle(): Promise<void> {
  await Promise.all([battle?.dispose(), chat?.dispose()]);
  battle = null;
  chat = null;
  await enter((via) => via.joinOrCreate(RoomName.battle, options()));
  // No battle to be had: the lobby, with the reason.
  if (!battle) await leaveBattle();
}

async function leaveBattle(): Promise<void> {
  await Promise.all([battle?.dispose(), chat?.dispose()]);
  battle = null;
  chat = null;
  history.replaceState(null, "", "/");
  chrome.leave();
  hint.hide();
  battleScreen.hidden = true;
  lobbyScreen.hidden = false;
  document.body.classList.remove("playing");
  byId("quick-play").focus();
  void lobby.connect();
}

byId("quick-play").addEventListener("click", () => enter((via) => via.joinOrCreate(RoomName.battle, options())));
byId("create-private").addEventListener("click", () => enter((via) => via.create(RoomName.battle, { ...options(), private: true })));
byId("leave").addEventListener("click", () => void leaveBattle());

// Enter in the battle opens the chat; Escape in the chat goes back to the battle.
window.addEventListener("keydown", (event) => {
  // Enter on a focused button presses it; anywhere else in the battle it opens the chat.
  if (battle && event.key === "Enter" && document.activeElement !== chatInput && !(event.target instanceof HTMLButtonElement)) {
    event.preventDefault();
    chatInput.focus();
  } else if (event.key === "Escape" && document.activeElement === chatInput) {
    // Back to the battle view, where the keys steer again.
    byId("canvas").focus();
  }
});
byId("canvas").addEventListener("pointerdown", () => chatInput.blur());

if (invited) {
  byId("invite").hidden = false;
  byId("join-invite").addEventListener("click", () => enter((via) => via.joinById(RoomName.battle, invited, options())));
}
// The region: the list from this page's origin, each measured, the nearest (or the player's pick, or a room link's).
const regionChosen = regions.start(new URLSearchParams(location.search).get(REGION_PARAM)).then(useRegion);
