import { ClientState, Protocol, SchemaSerializer, type Client, type Room } from "@colyseus/core";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import { $changes, encode, encodeSchemaOperation, OPERATION, type ChangeTree, type Encoder, type Schema } from "@colyseus/schema";
import { InterestCells, type CellView, type ViewChange } from "../shared/interestGrid";
import { STATE_BUFFER_BYTES } from "../shared/limits";
import { OWN_VIEW_TAG, type BattleState, type Player } from "./schema/BattleState";

/** @colyseus/schema's wire byte that makes the following fields belong to another structure (refId). */
const SWITCH_TO_STRUCTURE = 255;
/** Most bytes one player's tagged fields take: switch + refId, then per field index + a number. */
const MAX_BYTES_PER_FIELD = 10;
const MAX_SWITCH_BYTES = 10;

interface FieldIndexes {
  /** `@view()` fields: only to viewers holding the player in view. */
  viewed: number[];
  /** `@view(OWN_VIEW_TAG)` fields (the ack): only to the player's own client. */
  own: number[];
}

/**
 * Sends each client the shared patch, then its cell view's part (server/shared/interestGrid.ts), then
 * its own ack; without interest management every client's view is everyone. Replaces Colyseus 0.16's per-StateView encode, which walks every change of the tick
 * once per distinct view (players x changes); here each changed player is encoded once per tick and
 * its bytes copied into the few views that hold it, so the cost follows players x views-per-player.
 * The bytes are the ones @colyseus/schema's own encodeView would write for the same view
 * (encodeSchemaOperation per field), so colyseus.js decodes them unchanged.
 */
export class InterestSerializer extends SchemaSerializer<BattleState> {
  private state!: BattleState;
  private fields: FieldIndexes | null = null;
  private readonly segments = new ByteWriter();
  private readonly out = new ByteWriter();

  /** `cells` null: interest management off, every client gets every position (but still only its own ack): one body for all. */
  constructor(readonly cells: InterestCells<string> | null) {
    super();
  }

  override reset(state: BattleState): void {
    super.reset(state);
    this.state = state;
    this.fields = null;
  }

  /**
   * Takes over the encoder the room's state already has: a second Encoder on the same state would
   * leave its change trees queued in the first one's lists, and the full state would come out empty.
   */
  adopt(encoder: Encoder<BattleState>): void {
    this.encoder = encoder;
    this.hasFilters = encoder.context.hasFilters;
    this.fullEncodeBuffer[0] = Protocol.ROOM_STATE;
    this.state = encoder.state;
    this.fields = null;
  }

  override getFullState(client?: Client): Buffer {
    const shared = super.getFullState();
    const player = client && this.state.players.get(client.sessionId);
    if (!client || !player) return shared;
    const out = this.out.start(this.encoder, shared);
    const inView = this.cells ? (this.cells.viewOf(client.sessionId)?.members ?? []) : this.state.players.keys();
    for (const id of inView) this.writeAll(out, id, OPERATION.ADD);
    out.fields(treeOf(player), this.indexes(player).own, OPERATION.ADD);
    return out.take();
  }

  override applyPatches(clients: Client[]): boolean {
    const changes = this.cells?.update(this.state.players.entries()) ?? [];
    if (clients.length === 0 || !this.encoder.hasChanges) {
      this.encoder.discardChanges();
      return false;
    }
    this.needFullEncode = true;
    this.encoder.sharedBuffer[0] = Protocol.ROOM_STATE_PATCH;
    // A copy: the socket may still hold it when the next tick reuses the encoder's buffer.
    const shared = Buffer.from(this.encoder.encode({ offset: 1 }));
    const { viewed, acks } = this.encodeChangedPlayers();
    const moved = new Map<string, ViewChange<string>>(changes.map((change) => [change.viewer, change]));
    const byView = new Map<CellView<string>, Buffer>();
    const everyone = this.cells ? undefined : this.everyoneBytes(shared, viewed);

    // Last joined first, as Colyseus's own applyPatches does.
    for (let i = clients.length - 1; i >= 0; i--) {
      const client = clients[i]!;
      if (client.state !== ClientState.JOINED) continue;
      let body: Buffer = everyone ?? shared;
      if (this.cells) {
        const change = moved.get(client.sessionId);
        const view = this.cells.viewOf(client.sessionId);
        if (change) body = this.viewBytes(shared, change.to, change.entered, change.left, viewed);
        else if (view) {
          body = byView.get(view) ?? this.viewBytes(shared, view, view.entered, view.left, viewed);
          byView.set(view, body);
        } else continue; // replaced by a newer session of the same player and about to be closed
      }
      sendPatch(client, body, acks.get(client.sessionId));
    }
    this.encoder.discardChanges();
    return true;
  }

  /** Who `viewer` has in view (everyone when interest management is off). */
  canSee(viewer: string, target: string): boolean {
    return this.cells ? this.cells.canSee(viewer, target) : true;
  }

  /** The tick's changed `@view()` fields of each player, and each player's own ack, encoded once. */
  private encodeChangedPlayers(): { viewed: Map<string, Buffer>; acks: Map<string, Buffer> } {
    const viewed = new Map<string, Buffer>();
    const acks = new Map<string, Buffer>();
    const writer = this.segments.start(this.encoder);
    for (const [id, player] of this.state.players) {
      const tree = treeOf(player);
      const changed = tree.filteredChanges?.operations;
      if (!changed || changed.length === 0) continue;
      const fields = this.indexes(player);
      const ops = tree.indexedOperations;
      const changedViewed = fields.viewed.filter((index) => ops[index] !== undefined);
      const changedOwn = fields.own.filter((index) => ops[index] !== undefined);
      if (changedViewed.length > 0) viewed.set(id, writer.segment(tree, changedViewed));
      // A copy (a few bytes, from Node's pool): the socket may still hold it when the writer is reused.
      if (changedOwn.length > 0) acks.set(id, Buffer.from(writer.segment(tree, changedOwn)));
    }
    return { viewed, acks };
  }

  /** shared patch + players entering (all fields) and leaving (deleted) + changes of the others in view. */
  private viewBytes(shared: Buffer, view: CellView<string>, entered: Iterable<string>, left: Iterable<string>, viewed: Map<string, Buffer>): Buffer {
    const out = this.out.start(this.encoder, shared);
    const fresh = new Set<string>();
    for (const id of entered) {
      fresh.add(id);
      this.writeAll(out, id, OPERATION.ADD);
    }
    for (const id of left) this.writeAll(out, id, OPERATION.DELETE);
    for (const id of view.members) {
      const bytes = viewed.get(id);
      if (bytes && !fresh.has(id)) out.copy(bytes);
    }
    return out.take();
  }

  /** shared patch + every changed player's `@view()` fields: the one body of every client without interest management. */
  private everyoneBytes(shared: Buffer, viewed: Map<string, Buffer>): Buffer {
    const out = this.out.start(this.encoder, shared);
    for (const bytes of viewed.values()) out.copy(bytes);
    return out.take();
  }

  /** A player that left the room is skipped: the shared patch deletes it, and its refId is gone. */
  private writeAll(out: ByteWriter, id: string, op: OPERATION): void {
    const player = this.state.players.get(id);
    if (player) out.fields(treeOf(player), this.indexes(player).viewed, op);
  }

  private indexes(player: Player): FieldIndexes {
    return (this.fields ??= tagIndexes(player));
  }
}

/**
 * Sends `body` followed by the client's own `ack` as one websocket message. The two go out as two
 * fragments of it (FIN on the second), corked into one socket write: copying the patch into a fresh
 * buffer per client per tick (4 KB and more, a malloc each) cost about a fifth of a core at 1000
 * players (docs/performance.md, "Memory per player"). The client's WebSocket hands over the joined
 * message, as before.
 */
export function sendPatch(client: Client, body: Buffer, ack: Buffer | undefined): void {
  const socket = (client as Client & { ref?: WebSocket & { _socket?: Socket } }).ref;
  if (!ack || !socket) return client.raw(ack ? Buffer.concat([body, ack]) : body);
  if (socket.readyState !== socket.OPEN) return;
  socket._socket?.cork();
  socket.send(body, { binary: true, fin: false });
  socket.send(ack, { binary: true, fin: true });
  socket._socket?.uncork();
}

/** Every Schema instance has its change tree; the symbol's type just does not say so. */
const treeOf = (ref: Schema): ChangeTree => ref[$changes]!;

/** Field indexes of the player's class by view tag (one class per room, so read once). */
function tagIndexes(player: Player): FieldIndexes {
  const metadata = (player.constructor as typeof Schema)[Symbol.metadata] as unknown as Record<number, { tag?: number } | undefined>;
  const fields: FieldIndexes = { viewed: [], own: [] };
  for (let index = 0; metadata[index] !== undefined; index++) {
    const tag = metadata[index]!.tag;
    if (tag === OWN_VIEW_TAG) fields.own.push(index);
    else if (tag !== undefined) fields.viewed.push(index);
  }
  return fields;
}

/** A growable scratch buffer that writes player fields as @colyseus/schema's encoder does. */
class ByteWriter {
  private bytes = Buffer.allocUnsafe(STATE_BUFFER_BYTES);
  private readonly it = { offset: 0 };
  private encoder!: Encoder;

  start(encoder: Encoder, prefix?: Buffer): this {
    this.encoder = encoder;
    this.it.offset = 0;
    if (prefix) this.copy(prefix);
    return this;
  }

  copy(bytes: Buffer): void {
    this.reserve(bytes.length);
    bytes.copy(this.bytes, this.it.offset);
    this.it.offset += bytes.length;
  }

  /** Switches to the player's structure and writes `indexes` with `op` (or each field's own operation). */
  fields(tree: ChangeTree, indexes: number[], op?: OPERATION): void {
    this.reserve(MAX_SWITCH_BYTES + indexes.length * MAX_BYTES_PER_FIELD);
    const { bytes, it } = this;
    bytes[it.offset++] = SWITCH_TO_STRUCTURE;
    encode.number(bytes, tree.refId, it);
    const metadata = tree.metadata;
    for (const index of indexes) {
      encodeSchemaOperation(this.encoder, bytes, tree, index, op ?? tree.indexedOperations[index], it, false, true, metadata);
    }
  }

  /** Writes like `fields` and returns a view of just those bytes (valid until the next `start`). */
  segment(tree: ChangeTree, indexes: number[]): Buffer {
    const from = this.it.offset;
    this.fields(tree, indexes);
    return this.bytes.subarray(from, this.it.offset);
  }

  /** A copy of what was written since `start`. */
  take(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.it.offset));
  }

  private reserve(length: number): void {
    if (this.it.offset + length <= this.bytes.length) return;
    // Old segments keep pointing into the old buffer, which stays alive while they do.
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.it.offset + length));
    this.bytes.copy(bigger, 0, 0, this.it.offset);
    this.bytes = bigger;
  }
}

/**
 * The room's side of interest management: installs the serializer and keeps who watches from where.
 * Every client always sees itself: its own cell is in its view.
 */
export class InterestViews {
  private readonly serializer: InterestSerializer;

  constructor(room: Room<BattleState>, interestManagement: boolean) {
    this.serializer = new InterestSerializer(interestManagement ? new InterestCells<string>() : null);
    this.serializer.adopt((room as unknown as { _serializer: { encoder: Encoder<BattleState> } })._serializer.encoder);
    room.setSerializer(this.serializer);
  }

  /** A client took the seat of `sessionId`'s player: it starts in the view of the player's cell. */
  join(sessionId: string, own: Player): void {
    this.serializer.cells?.watch(sessionId, own);
  }

  leave(sessionId: string): void {
    this.serializer.cells?.unwatch(sessionId);
  }

  /** Whether `viewer`'s client holds `target`'s position (for events that reveal positions); a client always sees itself. */
  canSee(viewer: string, target: string): boolean {
    return viewer === target || this.serializer.canSee(viewer, target);
  }
}
