/**
 * Rule tuning: the numbers the game plays by (speeds, ranges, cooldowns, timings). The server's
 * rules and the client's prediction and drawing read the same values. Imports nothing.
 */

/** The simulation runs at this fixed rate; a state patch goes out right after every tick. */
export const TICK_RATE_HZ = 20;
/** Length of one simulation tick in milliseconds (50 ms). */
export const TICK_MS = 1000 / TICK_RATE_HZ;

// Battle (seed proportions: range 10 and 10 damage against 100 HP on a 100x100 map, x10)

/**
 * Smallest map in world units; positions are whole units in [0, width] x [0, height]. A bigger
 * arena grows to ARENA_AREA_PER_PLAYER per seat (server/shared/arena.ts).
 */
export const MAP_WIDTH = 1000;
export const MAP_HEIGHT = 1000;
/**
 * World area per seat of a battle room (square units): one player per 100 x 100, so a full arena
 * shows each client about 110 players in its interest block (9 x INTEREST_CELL^2) at any size.
 */
export const ARENA_AREA_PER_PLAYER = 100 * 100;
/** Top speed in world units per second (10 units per tick: 5 s to cross the map). */
export const PLAYER_SPEED_PER_S = 200;
export const MAX_HP = 100;
/** An attack hits every other living player within this distance (world units). */
export const ATTACK_RANGE = 100;
export const ATTACK_DAMAGE = 10;
/** Time between two attacks of one player. */
export const ATTACK_COOLDOWN_MS = 500;
/** Time a dead player waits before respawning with full HP. */
export const RESPAWN_DELAY_MS = 3000;
/** A respawn spot keeps at least this distance from every living player when the map allows it. */
export const SPAWN_CLEARANCE = ATTACK_RANGE;
/** Moves a player may have queued: 500 ms of input at one move per tick. */
export const MAX_QUEUED_MOVES = 10;
/** Queued moves kept as a jitter buffer: only a deeper queue makes a tick apply more than one. */
export const MOVE_QUEUE_BUFFER = 1;
/**
 * Ticks in a row a queue may end non-empty before its jitter buffer is drained too (100 ms):
 * jitter empties the buffer by the next tick, a buffer standing longer is only added latency.
 */
export const MOVE_QUEUE_STANDING_TICKS = 2;
/** Most moves one tick applies while catching up (2: a catching-up player moves at most 2x speed). */
export const MAX_MOVES_PER_TICK = 2;
/**
 * Moves a player may take beyond one per TICK_MS of real time, to make up time a stall lost
 * (a stalled server or network delivers a whole queue at once); at most one queue's worth.
 */
export const MOVE_CATCH_UP_MOVES = MAX_QUEUED_MOVES;
/** Moves of budget beyond a full catch-up, so the buffer a catch-up leaves standing can still drain. */
export const MOVE_BUDGET_RESERVE_MOVES = 2;
/** The speed limit: no player, honest or not, takes more moves than this in any 1000 ms. */
export const MAX_MOVES_PER_S = 1000 / TICK_MS + MOVE_CATCH_UP_MOVES + MOVE_BUDGET_RESERVE_MOVES;
/** Default and ceiling for a battle room's `maxPlayers` create option. */
export const BATTLE_DEFAULT_MAX_PLAYERS = 16;
/** Smallest `maxPlayers`: a battle needs two. */
export const BATTLE_MIN_PLAYERS = 2;
export const BATTLE_MAX_PLAYERS_LIMIT = 2000;
/** BOTS_FILL_TO default: a battle is filled up to this many fighters with bots, so a lone player has two opponents. 0 turns bots off. */
export const BOTS_FILL_TO_DEFAULT = 3;
/** Highest BOTS_FILL_TO (setting or a battle's `bots` option): bots cost CPU the room pays every tick. */
export const BOTS_FILL_TO_MAX = 16;

// Lag compensation and interest management

/**
 * Furthest back an attack is judged: targets are rewound to the tick the attacker's screen showed,
 * but never more than this; an older claim is judged at this age. At 150 ms round trip a claim is
 * 75 ms (patch on its way) + 100 ms (interpolation delay) + 75 ms (attack on its way) = 250 ms old
 * when it arrives; one more tick absorbs rounding and jitter. A bigger cap would let a laggy player
 * hit targets long gone from where everyone else sees them.
 */
export const LAG_COMPENSATION_MAX_MS = 300;
/** The same cap in ticks (6). */
export const LAG_COMPENSATION_MAX_TICKS = LAG_COMPENSATION_MAX_MS / TICK_MS;
/** Ticks of positions the server keeps: the current one plus every tick the cap reaches back to. */
export const POSITION_HISTORY_TICKS = LAG_COMPENSATION_MAX_TICKS + 1;
/**
 * Interest management: the map is cut into square cells of this side (world units); a client gets
 * position, HP and state of the players whose cell is its own cell or one of the 8 around it, and
 * only name, kills and deaths of the others. Every client in one cell shares one view.
 */
export const INTEREST_CELL = 350;
/** A player keeps its cell until it is this far past the cell's edge: no flicker at borders. */
export const INTEREST_HYSTERESIS = 25;
/** Every player this close (on each axis) is always in view: INTEREST_CELL - 2 x INTEREST_HYSTERESIS. */
export const INTEREST_SEEN_WITHIN = INTEREST_CELL - 2 * INTEREST_HYSTERESIS;

// Chat and lobby

/** Messages a member receives on join. */
export const CHAT_HISTORY_ON_JOIN = 50;
/** Default of CHAT_HISTORY_LINES: the newest lines a channel keeps (join and leave lines apart, below). */
export const CHAT_HISTORY_KEEP = 200;
/** Join and leave lines a channel keeps, in a ring of their own: however many come, they never push out what people said. */
export const CHAT_SYSTEM_LINES_KEEP = 20;
/** A reconnected member who sends no `resume` within this gets the lines relayed since its drop was noticed. */
export const CHAT_RESUME_WAIT_MS = 3000;
/**
 * `history` pages one catch-up (a reconnection's, or a join with `since`) sends at most, oldest
 * first: 10 x 100 lines. Past them the newest page comes with a `gap` over what was skipped.
 */
export const CHAT_CATCH_UP_PAGES_MAX = 10;
/** Longest a moderator's mute lasts; also the default when no duration is given. */
export const MUTE_MAX_S = 24 * 60 * 60;
/**
 * A lobby client gets the whole room list at most this often; a `filter` sooner is answered when
 * the time is up (only the latest counts), and changes in between go out one room at a time.
 */
export const LOBBY_FULL_LIST_INTERVAL_MS = 3000;
