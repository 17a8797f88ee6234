/**
 * A friendly name for a battle room, made from its id: "Silver Falcon", "Halcón de Plata",
 * "銀の鷹". The id stays the room's address (links, joins); the name is what players read and say.
 * Pure and deterministic (a hash of the id picks a word from each list), so the server can put the
 * same name into room metadata and every client derives it without asking.
 *
 * The lists are parallel: index i is the same word in every language, so the name of a room is the
 * same name in each language, only translated. The modifiers are nouns used as modifiers ("Silver",
 * "de Plata", "銀の") so Spanish needs no gender agreement with the noun.
 */
import { hashText } from "./hash";

/** Languages with word lists. */
export const ROOM_NAME_LANGUAGES = ["en", "es", "ja"] as const;
export type RoomNameLanguage = (typeof ROOM_NAME_LANGUAGES)[number];

interface Words {
  modifiers: readonly string[];
  nouns: readonly string[];
  /** Puts the two words together in this language's order. */
  join(modifier: string, noun: string): string;
}

const WORDS: Record<RoomNameLanguage, Words> = {
  en: {
    modifiers: [
      "Amber", "Silver", "Golden", "Iron", "Crystal", "Jade", "Ruby", "Copper",
      "Storm", "Thunder", "Frost", "Ember", "Shadow", "Moon", "Sun", "Star",
      "Cloud", "River", "Ocean", "Desert", "Forest", "Mountain", "Marble", "Cedar",
      "Coral", "Dawn", "Dusk", "Midnight", "Winter", "Snow", "Wind", "Stone",
    ],
    nouns: [
      "Falcon", "Otter", "Fox", "Wolf", "Bear", "Lynx", "Owl", "Heron",
      "Stag", "Hare", "Badger", "Raven", "Tiger", "Dragon", "Turtle", "Whale",
      "Shark", "Panther", "Eagle", "Crane", "Cobra", "Bison", "Moose", "Sparrow",
      "Salmon", "Beetle", "Gecko", "Boar", "Swan", "Viper", "Phoenix", "Griffin",
    ],
    join: (modifier, noun) => `${modifier} ${noun}`,
  },
  es: {
    modifiers: [
      "de Ámbar", "de Plata", "de Oro", "de Hierro", "de Cristal", "de Jade", "de Rubí", "de Cobre",
      "de Tormenta", "del Trueno", "de Escarcha", "de Brasa", "de Sombra", "de Luna", "del Sol", "de Estrella",
      "de Nube", "del Río", "del Mar", "del Desierto", "del Bosque", "de Montaña", "de Mármol", "de Cedro",
      "de Coral", "del Alba", "del Ocaso", "de Medianoche", "de Invierno", "de Nieve", "del Viento", "de Piedra",
    ],
    nouns: [
      "Halcón", "Nutria", "Zorro", "Lobo", "Oso", "Lince", "Búho", "Garza",
      "Ciervo", "Liebre", "Tejón", "Cuervo", "Tigre", "Dragón", "Tortuga", "Ballena",
      "Tiburón", "Pantera", "Águila", "Grulla", "Cobra", "Bisonte", "Alce", "Gorrión",
      "Salmón", "Escarabajo", "Geco", "Jabalí", "Cisne", "Víbora", "Fénix", "Grifo",
    ],
    join: (modifier, noun) => `${noun} ${modifier}`,
  },
  ja: {
    modifiers: [
      "琥珀の", "銀の", "金の", "鉄の", "水晶の", "翡翠の", "紅玉の", "銅の",
      "嵐の", "雷の", "霜の", "熾火の", "影の", "月の", "太陽の", "星の",
      "雲の", "川の", "海の", "砂漠の", "森の", "山の", "大理石の", "杉の",
      "珊瑚の", "暁の", "黄昏の", "真夜中の", "冬の", "雪の", "風の", "石の",
    ],
    nouns: [
      "鷹", "カワウソ", "狐", "狼", "熊", "山猫", "梟", "鷺",
      "牡鹿", "野兎", "穴熊", "鴉", "虎", "竜", "亀", "鯨",
      "鮫", "豹", "鷲", "鶴", "コブラ", "野牛", "ヘラジカ", "雀",
      "鮭", "甲虫", "ヤモリ", "猪", "白鳥", "毒蛇", "不死鳥", "グリフォン",
    ],
    join: (modifier, noun) => `${modifier}${noun}`,
  },
};

/** Names one room id can get: modifiers x nouns (1024). Two rooms share a name now and then; the id tells them apart. */
export const ROOM_NAME_COUNT = WORDS.en.modifiers.length * WORDS.en.nouns.length;

/** Which word of each list a room's name uses: the same in every language. */
export interface RoomNameParts {
  modifier: number;
  noun: number;
}

export function roomNameParts(roomId: string): RoomNameParts {
  const h = hashText(roomId);
  const modifiers = WORDS.en.modifiers.length;
  return { modifier: h % modifiers, noun: Math.floor(h / modifiers) % WORDS.en.nouns.length };
}

/** The room's name in `language`, from its id. */
export function roomName(roomId: string, language: RoomNameLanguage): string {
  return roomNameOf(roomNameParts(roomId), language);
}

/** The name the parts give in `language`. */
export function roomNameOf({ modifier, noun }: RoomNameParts, language: RoomNameLanguage): string {
  const words = WORDS[language];
  return words.join(words.modifiers[modifier]!, words.nouns[noun]!);
}

/**
 * The parts a server published (battle metadata `name`, BattleState `nameModifier`/`nameNoun`), or
 * undefined when they are missing or out of the lists: the client then names the room from its id.
 */
export function readRoomNameParts(modifier: unknown, noun: unknown): RoomNameParts | undefined {
  const valid = (index: unknown, list: readonly string[]) => Number.isInteger(index) && (index as number) >= 0 && (index as number) < list.length;
  if (!valid(modifier, WORDS.en.modifiers) || !valid(noun, WORDS.en.nouns)) return undefined;
  return { modifier: modifier as number, noun: noun as number };
}

/** Every language's lists, for the tests that check they stay parallel and free of repeats. */
export function roomNameWords(language: RoomNameLanguage): { modifiers: readonly string[]; nouns: readonly string[] } {
  const { modifiers, nouns } = WORDS[language];
  return { modifiers, nouns };
}
