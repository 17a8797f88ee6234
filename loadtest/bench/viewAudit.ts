/**
 * Decoding probes that check interest views against the server's own truth, in the server's process
 * (the bench soak preloads it through serverProbe.ts; test/interest.test.ts uses it in-process).
 * After every patch the room sends, the audit records what each probe should hold: the positions of
 * exactly the players in its view. Each probe, on each decoded patch, compares what it holds for
 * that tick and counts ghosts (held, not in view), missing (in view, not held), stale positions
 * (held at another position) and decode errors (a throw, or the decoder's "refId not found").
 */
import type { Room } from "@colyseus/core";
import { Client, type Room as ClientRoom } from "colyseus.js";
import type { InterestSerializer } from "../../server/rooms/interestViews";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import type { BattleStateView } from "../../client/state";
import type { Point } from "../../server/shared/game";
import { asRoom, send } from "../../client/rooms";
import { ClientMessage, RoomName, ServerMessage } from "../../server/shared/protocol";

/** Ticks of truth kept: a probe further behind than this (2.5 s) is counted as unchecked. */
const TRUTH_TICKS = 50;
/** A walking probe keeps one heading this many patches, then turns. */
const TURN_EVERY_PATCHES = 40;

export interface AuditCounts {
  /** Patches decoded by all probes together. */
  patches: number;
  /** Of those, compared against the truth of their tick. */
  checked: number;
  ghosts: number;
  missing: number;
  stale: number;
  decodeErrors: number;
  /** Times a probe's view changed (moved to another cell view). */
  viewChanges: number;
}

type Truth = Map<string, Point>;

export class ViewAudit {
  readonly counts: AuditCounts = { patches: 0, checked: 0, ghosts: 0, missing: 0, stale: 0, decodeErrors: 0, viewChanges: 0 };
  private readonly truth = new Map<number, Map<string, Truth>>();
  private probes: ClientRoom<BattleStateView>[] = [];
  private readonly lastView = new Map<string, unknown>();
  private readonly restoreConsole: () => void;

  constructor(private readonly room: Room<BattleState>) {
    const serializer = (room as unknown as { _serializer: InterestSerializer })._serializer;
    const apply = serializer.applyPatches.bind(serializer);
    serializer.applyPatches = (clients) => {
      const sent = apply(clients);
      this.record(serializer);
      return sent;
    };
    // @colyseus/schema's decoder reports an unknown refId on console.error and carries on.
    const error = console.error;
    console.error = (...args: unknown[]) => {
      if (String(args[0]).includes("refId")) this.counts.decodeErrors++;
      error(...args);
    };
    this.restoreConsole = () => (console.error = error);
  }

  /** Joins a probe that walks: it changes cells, which is what the audit is for. */
  async probe(endpoint: string, seed: number): Promise<ClientRoom<BattleStateView>> {
    return this.watch(await new Client(endpoint).joinById<BattleStateView>(this.room.roomId), seed);
  }

  /** Audits (and walks) a client already in the room, such as one that just reconnected. */
  watch(room: ClientRoom<BattleStateView>, seed: number): ClientRoom<BattleStateView> {
    for (const type of Object.values(ServerMessage)) room.onMessage(type, () => {});
    const serializer = room.serializer as unknown as { patch(...a: unknown[]): unknown; setState(...a: unknown[]): unknown };
    for (const method of ["patch", "setState"] as const) {
      const original = serializer[method].bind(serializer);
      serializer[method] = (...a: unknown[]) => {
        try {
          return original(...a);
        } catch {
          this.counts.decodeErrors++;
        }
      };
    }
    const battle = asRoom(RoomName.battle, room);
    let seq = 0;
    let heading = seed;
    let first = true;
    room.onStateChange((state) => {
      // The full state at join is sent between ticks: positions may have moved since its tick's truth.
      if (!first) this.check(room.sessionId, state);
      first = false;
      if (seq % TURN_EVERY_PATCHES === 0) heading += 2.4;
      send(battle, ClientMessage.move, { dx: Math.cos(heading), dy: Math.sin(heading), seq: ++seq });
    });
    this.probes.push(room);
    return room;
  }

  /** Stops auditing `room` (it dropped): its successor is watched on its own. */
  forget(room: ClientRoom<BattleStateView>): void {
    this.probes = this.probes.filter((probe) => probe !== room);
  }

  async stop(): Promise<AuditCounts> {
    await Promise.all(this.probes.splice(0).map((probe) => probe.leave().catch(() => undefined)));
    this.restoreConsole();
    return this.counts;
  }

  private record(serializer: InterestSerializer): void {
    const tick = this.room.state.tick;
    const byViewer = new Map<string, Truth>();
    for (const probe of this.probes) {
      const id = probe.sessionId;
      const view = serializer.cells?.viewOf(id);
      if (view !== this.lastView.get(id)) {
        if (this.lastView.has(id)) this.counts.viewChanges++;
        this.lastView.set(id, view);
      }
      const truth: Truth = new Map();
      this.room.state.players.forEach((player, target) => {
        if (serializer.canSee(id, target)) truth.set(target, { x: player.x, y: player.y });
      });
      byViewer.set(id, truth);
    }
    this.truth.set(tick, byViewer);
    this.truth.delete(tick - TRUTH_TICKS);
  }

  private check(viewer: string, state: BattleStateView): void {
    this.counts.patches++;
    const truth = this.truth.get(state.tick)?.get(viewer);
    if (!truth) return;
    this.counts.checked++;
    state.players.forEach((player, id) => {
      const should = truth.get(id);
      if (player.x === undefined) {
        if (should) this.counts.missing++;
      } else if (!should) this.counts.ghosts++;
      else if (player.x !== should.x || player.y !== should.y) this.counts.stale++;
    });
    for (const id of truth.keys()) if (state.players.get(id) === undefined) this.counts.missing++;
  }
}
