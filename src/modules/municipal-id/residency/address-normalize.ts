/**
 * Street addresses as lookup keys. A resident types "350 South Fifth Street, Apt. #4b"; the county file says
 * `350 | S | 5th | St | 4B`: both become the key `350 S 5TH ST` with unit `4B`. The same function normalises
 * both sides, so what matters is that it is deterministic, not that it knows every spelling.
 *
 * Rules: Unicode NFKC, upper case, punctuation to spaces; USPS street-type and directional abbreviations
 * (Publication 28, the common ones); ordinal words to numerals ("FIFTH" → "5TH", "TWENTY-SIXTH" → "26TH");
 * unit designators (APT, UNIT, STE, #, …) split off into the unit.
 */

/** The parts of a street line that matter for a lookup. */
export interface NormalizedAddress {
  /** House number with its suffix letter: `350`, `1234A`. */
  number: string;
  /** Street with directionals and type abbreviated: `S 5TH ST`, `HENNEPIN AVE S`. */
  street: string;
  /** Unit, without designator or punctuation: `4B`; empty when none. */
  unit: string;
  /** `number street`: the exact key. */
  key: string;
  /** The key without directionals and street type (`350 5TH`): a looser fallback when the exact one misses. */
  looseKey: string;
}

const STREET_TYPES: Readonly<Record<string, string>> = {
  ALLEY: 'ALY', ALY: 'ALY',
  AVENUE: 'AVE', AVE: 'AVE', AV: 'AVE', AVEN: 'AVE', AVN: 'AVE', AVNUE: 'AVE',
  BOULEVARD: 'BLVD', BLVD: 'BLVD', BOUL: 'BLVD', BOULV: 'BLVD',
  CIRCLE: 'CIR', CIR: 'CIR', CIRC: 'CIR',
  COURT: 'CT', CT: 'CT',
  CROSSING: 'XING', XING: 'XING',
  DRIVE: 'DR', DR: 'DR', DRV: 'DR',
  EXPRESSWAY: 'EXPY', EXPY: 'EXPY',
  FREEWAY: 'FWY', FWY: 'FWY',
  HIGHWAY: 'HWY', HWY: 'HWY',
  LANE: 'LN', LN: 'LN',
  MALL: 'MALL',
  PARKWAY: 'PKWY', PKWY: 'PKWY', PKY: 'PKWY', PARKWY: 'PKWY',
  PLACE: 'PL', PL: 'PL',
  PLAZA: 'PLZ', PLZ: 'PLZ',
  ROAD: 'RD', RD: 'RD',
  ROW: 'ROW',
  SQUARE: 'SQ', SQ: 'SQ',
  STREET: 'ST', ST: 'ST', STR: 'ST', STRT: 'ST',
  TERRACE: 'TER', TER: 'TER', TERR: 'TER',
  TRAIL: 'TRL', TRL: 'TRL',
  WAY: 'WAY',
};

const DIRECTIONS: Readonly<Record<string, string>> = {
  NORTH: 'N', N: 'N', SOUTH: 'S', S: 'S', EAST: 'E', E: 'E', WEST: 'W', W: 'W',
  NORTHEAST: 'NE', NE: 'NE', NORTHWEST: 'NW', NW: 'NW', SOUTHEAST: 'SE', SE: 'SE', SOUTHWEST: 'SW', SW: 'SW',
};

const UNIT_DESIGNATORS = new Set(['APT', 'APARTMENT', 'UNIT', 'STE', 'SUITE', 'RM', 'ROOM', 'FL', 'FLOOR', 'LOT', 'SPC', 'SPACE', 'BLDG', 'BUILDING', 'NO', 'NUM', 'NUMBER', '#']);

const ONES = ['', 'FIRST', 'SECOND', 'THIRD', 'FOURTH', 'FIFTH', 'SIXTH', 'SEVENTH', 'EIGHTH', 'NINTH'];
const TEENS = ['TENTH', 'ELEVENTH', 'TWELFTH', 'THIRTEENTH', 'FOURTEENTH', 'FIFTEENTH', 'SIXTEENTH', 'SEVENTEENTH', 'EIGHTEENTH', 'NINETEENTH'];
const TENS_ORDINAL = ['', '', 'TWENTIETH', 'THIRTIETH', 'FORTIETH', 'FIFTIETH', 'SIXTIETH', 'SEVENTIETH', 'EIGHTIETH', 'NINETIETH'];
const TENS = ['', '', 'TWENTY', 'THIRTY', 'FORTY', 'FIFTY', 'SIXTY', 'SEVENTY', 'EIGHTY', 'NINETY'];

function suffixOf(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return 'TH';
  return ['TH', 'ST', 'ND', 'RD', 'TH', 'TH', 'TH', 'TH', 'TH', 'TH'][n % 10] as string;
}

/** Ordinal words of 1–99 ("FIFTH", "TWENTY SIXTH" — hyphens are spaces by then) to numerals. */
const ORDINAL_WORDS: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (let n = 1; n <= 99; n++) {
    let words: string;
    if (n < 10) words = ONES[n] as string;
    else if (n < 20) words = TEENS[n - 10] as string;
    else if (n % 10 === 0) words = TENS_ORDINAL[n / 10] as string;
    else words = `${TENS[Math.floor(n / 10)]} ${ONES[n % 10]}`;
    m.set(words, `${n}${suffixOf(n)}`);
  }
  return m;
})();

/** "5" written as a street name ("5 ST") is the 5th street; a bare number after the house number is an ordinal. */
function ordinalOfNumber(token: string): string | undefined {
  const m = /^(\d{1,3})(ST|ND|RD|TH)?$/.exec(token);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 ? `${n}${suffixOf(n)}` : undefined;
}

/** Upper case, compatibility forms folded, accents kept off street names, punctuation to spaces. */
function clean(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFKC')
    .toUpperCase()
    .replace(/#/g, ' # ')
    .replace(/[^\p{L}\p{N}# ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A unit as a key: designators, `#` and spaces removed (`Apt. #4 b` → `4B`). */
export function normalizeUnit(value: string | null | undefined): string {
  if (!value) return '';
  const tokens = clean(value).split(' ').filter((t) => t && !UNIT_DESIGNATORS.has(t));
  return tokens.join('').slice(0, 20);
}

/** A ZIP code as five digits, or '' (`55415-1234` → `55415`). */
export function normalizeZip(value: string | null | undefined): string {
  const compact = (value ?? '').replace(/[\s-]/g, '');
  return /^\d{5}$/.test(compact) || /^\d{9}$/.test(compact) ? compact.slice(0, 5) : '';
}

/** Merges "N E" (from "N.E.") into "NE", and ordinal words into numerals. */
function mergeTokens(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const next = tokens[i + 1];
    if ((t === 'N' || t === 'S') && (next === 'E' || next === 'W')) {
      out.push(`${t}${next}`);
      i++;
      continue;
    }
    const two = next ? ORDINAL_WORDS.get(`${t} ${next}`) : undefined;
    if (two) {
      out.push(two);
      i++;
      continue;
    }
    // "TWENTY FIRST" is handled above; a lone cardinal ("FIVE") is left alone: it is a name, not an ordinal.
    const one = ORDINAL_WORDS.get(t);
    out.push(one ?? t);
  }
  return out;
}

/**
 * Normalises one street line (house number, street, optional unit) and an optional separate unit. Returns
 * `null` when there is no house number or no street name: such a line cannot be looked up (a P.O. box, a
 * street without a number, a place name).
 */
export function normalizeAddress(line: string, unit?: string | null): NormalizedAddress | null {
  const tokens = clean(line).split(' ').filter(Boolean);
  // Unit written into the line: everything from the first designator on.
  let unitTokens: string[] = [];
  const at = tokens.findIndex((t, i) => i > 1 && UNIT_DESIGNATORS.has(t));
  if (at !== -1) {
    unitTokens = tokens.splice(at);
  }
  if (tokens[0] === 'PO' || tokens[0] === 'P' || tokens[0] === 'BOX') return null;
  const first = tokens.shift();
  if (!first) return null;
  let number: string;
  const numbered = /^(\d{1,6})([A-Z]?)$/.exec(first);
  if (numbered) {
    number = `${numbered[1]}${numbered[2]}`;
    // "1234 A Main St": a one-letter suffix written apart, when it is not a direction.
    const maybeSuffix = tokens[0];
    if (!numbered[2] && maybeSuffix && /^[A-Z]$/.test(maybeSuffix) && !DIRECTIONS[maybeSuffix] && tokens.length > 1) {
      number += maybeSuffix;
      tokens.shift();
    }
  } else {
    return null;
  }
  const merged = mergeTokens(tokens);
  const street: string[] = [];
  merged.forEach((t, i) => {
    const isLast = i === merged.length - 1;
    const isFirst = i === 0;
    const direction = DIRECTIONS[t];
    // A direction is abbreviated only at the start or the end of the street ("N 5TH ST", "CENTRAL AVE NE"),
    // so a street called "East River" keeps its name.
    if (direction && (isFirst || isLast)) {
      street.push(direction);
      return;
    }
    if (t === 'SAINT') {
      street.push('ST');
      return;
    }
    const type = STREET_TYPES[t];
    // A street type is abbreviated when it is not the first word of the name ("AVENUE OF THE ARTS" keeps it).
    if (type && street.length > 0) {
      street.push(type);
      return;
    }
    if (street.length === 0 || (street.length === 1 && DIRECTIONS[street[0] as string])) {
      const ord = ordinalOfNumber(t);
      if (ord) {
        street.push(ord);
        return;
      }
    }
    street.push(t);
  });
  if (street.length === 0 || street.every((t) => DIRECTIONS[t] || Object.values(STREET_TYPES).includes(t))) return null;
  const streetText = street.join(' ');
  const types = new Set(Object.values(STREET_TYPES));
  const core = street.filter((t) => !DIRECTIONS[t] && !types.has(t));
  const unitKey = normalizeUnit([...unitTokens, unit ?? ''].join(' '));
  return {
    number,
    street: streetText,
    unit: unitKey,
    key: `${number} ${streetText}`,
    looseKey: `${number} ${(core.length > 0 ? core : street).join(' ')}`,
  };
}

/**
 * A street line assembled from the county's separate fields (number, suffix, pre-modifier, pre-direction,
 * pre-type, name, post-type, post-direction, post-modifier), then normalised like a typed one.
 */
export function addressFromParts(parts: {
  number?: string | null;
  suffix?: string | null;
  preModifier?: string | null;
  preDirection?: string | null;
  preType?: string | null;
  name?: string | null;
  postType?: string | null;
  postDirection?: string | null;
  postModifier?: string | null;
  street?: string | null;
  unit?: string | null;
}): NormalizedAddress | null {
  const number = `${(parts.number ?? '').trim()}${(parts.suffix ?? '').trim()}`;
  const street = parts.street?.trim()
    ? parts.street
    : [parts.preModifier, parts.preDirection, parts.preType, parts.name, parts.postType, parts.postDirection, parts.postModifier]
        .map((p) => (p ?? '').trim())
        .filter(Boolean)
        .join(' ');
  if (!number || !street) return null;
  return normalizeAddress(`${number} ${street}`, parts.unit);
}
