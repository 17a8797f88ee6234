/**
 * The moderation audit log: who did what to whom, when and why. Kept in the moderation hashes
 * (./moderationKeys.ts) like the bans, the newest AUDIT_KEPT_MAX entries.
 */
import { AUDIT_KEPT_MAX } from "../shared/limits";
import { readAll, type ModerationKeys } from "./moderationKeys";

export type AuditAction = "mute" | "kick" | "ban" | "unban" | "erase" | "resolve";

export interface AuditEntry {
  /** Increases by one per entry, across processes. */
  id: number;
  /** UTC ms. */
  at: number;
  /** The admin user. */
  by: string;
  action: AuditAction;
  /** A player id, an address or prefix, or a report id. */
  whom: string;
  why: string;
  /** What the action did, in a few words ("600 s", "3 lines erased", "kicked from 2 rooms"). */
  detail: string;
}

const AUDIT = "moderation:audit";
const AUDIT_SEQ = "moderation:audit-seq";

export class AuditLog {
  constructor(private readonly keys: ModerationKeys) {}

  async record(entry: Omit<AuditEntry, "id">): Promise<AuditEntry> {
    const id = await this.keys.hincrby(AUDIT_SEQ, "id", 1);
    const kept: AuditEntry = { id, ...entry };
    await this.keys.hset(AUDIT, String(id), JSON.stringify(kept));
    // One entry in, the one AUDIT_KEPT_MAX before it out: the log stays at AUDIT_KEPT_MAX.
    if (id > AUDIT_KEPT_MAX) await this.keys.hdel(AUDIT, String(id - AUDIT_KEPT_MAX));
    return kept;
  }

  /** The kept entries, newest first. */
  async list(): Promise<AuditEntry[]> {
    return (await readAll<AuditEntry>(this.keys, AUDIT)).map((entry) => entry.value).sort((a, b) => b.id - a.id);
  }
}
