/**
 * Hashes where bans, reports and the audit log are kept: beside mutes, in the chat Redis (so they
 * hold in every region), or in presence without one. Colyseus's Presence and ioredis both have these
 * methods with these arguments (./stores.ts adapts each).
 */
export interface ModerationKeys {
  hset(key: string, field: string, value: string): Promise<unknown>;
  hget(key: string, field: string): Promise<string | null | undefined>;
  hdel(key: string, field: string): Promise<unknown>;
  hgetall(key: string): Promise<Record<string, string> | null | undefined>;
  hlen(key: string): Promise<number>;
  hincrby(key: string, field: string, by: number): Promise<number>;
}

/** Every value of hash `key` parsed as JSON, with its field; a value that is not JSON is left out. */
export async function readAll<T>(keys: ModerationKeys, key: string): Promise<Array<{ field: string; value: T }>> {
  const entries = Object.entries((await keys.hgetall(key)) ?? {});
  const parsed: Array<{ field: string; value: T }> = [];
  for (const [field, raw] of entries) {
    try {
      parsed.push({ field, value: JSON.parse(raw) as T });
    } catch {
      // written by something else: not ours to show
    }
  }
  return parsed;
}

/** One value of hash `key` parsed as JSON, or undefined. */
export async function readOne<T>(keys: ModerationKeys, key: string, field: string): Promise<T | undefined> {
  const raw = await keys.hget(key, field);
  if (typeof raw !== "string") return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
