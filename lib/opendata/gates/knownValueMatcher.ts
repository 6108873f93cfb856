/**
 * Finds every occurrence of a set of known values in a text, in one pass over the text: the work
 * per byte scanned does not depend on how many values there are nor on how long they are (a
 * 1 MiB value costs what a 10-character one does).
 *
 * The match rule is the scan's: a value counts where it stands alone, the byte before it and the
 * byte after it (if any) being non-word bytes (see `isWordByte`). So a value can only start at a
 * word's first byte or at a non-word byte, and end at a word's last byte or at a non-word byte: it
 * is a sequence of whole "units" of the text, a unit being either a maximal run of word bytes (a
 * word) or one non-word byte. Values and texts are both cut into units (words interned as
 * integers), and an Aho-Corasick automaton over the unit sequences of the values finds them all
 * in one left-to-right pass over the text's units.
 *
 * Memory is what made a byte-level automaton fail before: at ten million sale lines the release
 * is searched for about four million values, and a Map of children per byte state (17.5 million
 * states for the pseudonyms alone) ran Node out of its heap. Here a state is one unit (a whole
 * word: a pseudonym is three units, "cp", "_" and its hex digits, instead of 35 bytes), and the
 * automaton is a handful of typed arrays plus one open-addressing table of its edges (36 to 60
 * bytes per state, with the table between half and a quarter full), plus the dictionary of
 * distinct words (a Map: at most 2^24 of them). Measured with `npm run bench -- pii-scan`: 33 to
 * 50 MiB for the 297,164 known values of a 1 M-row export (551,017 states, 165,973 words), and
 * 539 MiB for ten times as many (`--known-times 10`: 2.8 million values, 4.8 million states, 1.6
 * million words), what a 10 M-row export holds.
 *
 * Texts and values are byte strings: the latin1 view of their UTF-8 bytes, one char per byte.
 */

/** ASCII letters and digits, and any byte of a multi-byte UTF-8 character (accented letters). */
export function isWordByte(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128;
}

/** Non-word bytes are their own unit ids (0-127); words get ids from here up. */
const FIRST_WORD_ID = 256;
/** A word of the text that no value contains: no edge leads anywhere with it. */
const FOREIGN = -1;
const ROOT = 0;
const NONE = -1;

/** Edges of the automaton's trie, (state, unit) -> child, in an open-addressing table of typed arrays. */
class EdgeTable {
  private states: Int32Array;
  private units: Int32Array;
  private children: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.states = new Int32Array(n).fill(NONE);
    this.units = new Int32Array(n);
    this.children = new Int32Array(n);
    this.mask = n - 1;
  }

  private slot(state: number, unit: number): number {
    // A multiplicative mix of both halves of the key; linear probing from there.
    let h = Math.imul(state, 0x9e3779b1) ^ Math.imul(unit + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    return h & this.mask;
  }

  get(state: number, unit: number): number {
    for (let i = this.slot(state, unit); ; i = (i + 1) & this.mask) {
      const s = this.states[i];
      if (s === NONE) return NONE;
      if (s === state && this.units[i] === unit) return this.children[i];
    }
  }

  set(state: number, unit: number, child: number): void {
    if ((this.size + 1) * 2 > this.states.length) this.grow();
    for (let i = this.slot(state, unit); ; i = (i + 1) & this.mask) {
      if (this.states[i] === NONE) {
        this.states[i] = state;
        this.units[i] = unit;
        this.children[i] = child;
        this.size++;
        return;
      }
    }
  }

  private grow(): void {
    const { states, units, children } = this;
    const n = states.length * 2;
    this.states = new Int32Array(n).fill(NONE);
    this.units = new Int32Array(n);
    this.children = new Int32Array(n);
    this.mask = n - 1;
    this.size = 0;
    for (let i = 0; i < states.length; i++) if (states[i] !== NONE) this.set(states[i], units[i], children[i]);
  }

  get bytes(): number {
    return this.states.byteLength * 3;
  }
}

/** An Int32Array that grows by doubling. */
class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024, private readonly fill = 0) {
    this.data = new Int32Array(capacity).fill(fill);
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2).fill(this.fill);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export interface Matcher {
  readonly patternCount: number;
  readonly states: number;
  /** Distinct words of the values. */
  readonly words: Map<string, number>;
  readonly edges: EdgeTable;
  /** Failure link of each state (the longest proper suffix that is also a state). */
  readonly fail: Int32Array;
  /** Nearest state on the failure chain (this one excluded) where a value ends, or NONE. */
  readonly output: Int32Array;
  /** First value ending at each state, then `nextPattern` of it, NONE-terminated. */
  readonly firstPattern: Int32Array;
  readonly nextPattern: Int32Array;
  /** Length in bytes of each value (its start is its end minus it). */
  readonly patternLength: Int32Array;
}

/**
 * The end offset of the unit starting at `i` (a word: up to its last word byte; a non-word byte:
 * itself). Both the values and the texts are cut with it.
 */
function unitEnd(text: string, i: number): number {
  if (!isWordByte(text.charCodeAt(i))) return i + 1;
  let j = i + 1;
  while (j < text.length && isWordByte(text.charCodeAt(j))) j++;
  return j;
}

/** The automaton of `patterns` (byte strings); match reports give indexes into this array. Empty patterns never match. */
export function buildMatcher(patterns: readonly string[]): Matcher {
  const words = new Map<string, number>();
  const edges = new EdgeTable(patterns.length * 4);
  const parent = new IntList(1024, NONE);
  const unitOf = new IntList(1024);
  const depth = new IntList(1024);
  const firstPattern = new IntList(1024, NONE);
  parent.push(NONE);
  unitOf.push(0);
  depth.push(0);
  firstPattern.push(NONE);
  const nextPattern = new Int32Array(patterns.length).fill(NONE);
  const patternLength = new Int32Array(patterns.length);
  let maxDepth = 0;
  for (let index = 0; index < patterns.length; index++) {
    const p = patterns[index];
    patternLength[index] = p.length;
    if (p.length === 0) continue;
    let state = ROOT;
    let d = 0;
    for (let i = 0; i < p.length; ) {
      const end = unitEnd(p, i);
      let unit = end === i + 1 && !isWordByte(p.charCodeAt(i)) ? p.charCodeAt(i) : words.get(p.slice(i, end));
      if (unit === undefined) {
        unit = FIRST_WORD_ID + words.size;
        words.set(p.slice(i, end), unit);
      }
      i = end;
      d++;
      let child = edges.get(state, unit);
      if (child === NONE) {
        child = parent.push(state);
        unitOf.push(unit);
        depth.push(d);
        firstPattern.push(NONE);
        edges.set(state, unit, child);
      }
      state = child;
    }
    maxDepth = Math.max(maxDepth, d);
    nextPattern[index] = firstPattern.data[state];
    firstPattern.data[state] = index;
  }
  const states = parent.length;

  // States in order of depth (counting sort), so a state's failure link is known before its children's.
  const perDepth = new Int32Array(maxDepth + 2);
  for (let s = 0; s < states; s++) perDepth[depth.data[s] + 1]++;
  for (let d = 1; d < perDepth.length; d++) perDepth[d] += perDepth[d - 1];
  const byDepth = new Int32Array(states);
  for (let s = 0; s < states; s++) byDepth[perDepth[depth.data[s]]++] = s;

  const fail = new Int32Array(states);
  const output = new Int32Array(states).fill(NONE);
  const terminal = firstPattern.data;
  for (let k = 1; k < states; k++) {
    const s = byDepth[k];
    const p = parent.data[s];
    const unit = unitOf.data[s];
    let link = ROOT;
    if (p !== ROOT) {
      for (let f = fail[p]; ; f = fail[f]) {
        const next = edges.get(f, unit);
        if (next !== NONE) {
          link = next;
          break;
        }
        if (f === ROOT) break;
      }
    }
    fail[s] = link;
    output[s] = terminal[link] !== NONE ? link : output[link];
  }
  return {
    patternCount: patterns.length,
    states,
    words,
    edges,
    fail,
    output,
    firstPattern: firstPattern.trimmed(),
    nextPattern,
    patternLength,
  };
}

/**
 * Every occurrence of every value standing alone in `text` (non-word bytes, or the text's ends, on
 * both sides): `onMatch(pattern index)` once per occurrence and value.
 */
export function search(matcher: Matcher, text: string, onMatch: (pattern: number) => void): void {
  if (matcher.states <= 1) return;
  const { edges, fail, output, firstPattern, nextPattern, patternLength, words } = matcher;
  const n = text.length;
  let state = ROOT;
  for (let i = 0; i < n; ) {
    const end = unitEnd(text, i);
    const unit = end === i + 1 && !isWordByte(text.charCodeAt(i)) ? text.charCodeAt(i) : (words.get(text.slice(i, end)) ?? FOREIGN);
    i = end;
    let next = NONE;
    if (unit !== FOREIGN) {
      for (;;) {
        next = edges.get(state, unit);
        if (next !== NONE || state === ROOT) break;
        state = fail[state];
      }
    }
    state = next === NONE ? ROOT : next;
    for (let t = firstPattern[state] !== NONE ? state : output[state]; t !== NONE; t = output[t]) {
      for (let p = firstPattern[t]; p !== NONE; p = nextPattern[p]) {
        // A value that starts or ends with a non-word byte is a whole-unit match that may still
        // touch a word: "x+33…" is not "+33…" standing alone.
        const start = end - patternLength[p];
        if (start > 0 && isWordByte(text.charCodeAt(start - 1))) continue;
        if (end < n && isWordByte(text.charCodeAt(end))) continue;
        onMatch(p);
      }
    }
  }
}

/** Bytes held by the automaton's arrays (the word dictionary's strings are estimated: 2 bytes per char plus ~40 of overhead per entry). */
export function matcherMemory(matcher: Matcher): { states: number; words: number; arrays: number; dictionary: number } {
  let chars = 0;
  for (const w of matcher.words.keys()) chars += w.length;
  const arrays = matcher.edges.bytes + matcher.fail.byteLength + matcher.output.byteLength + matcher.firstPattern.byteLength + matcher.nextPattern.byteLength + matcher.patternLength.byteLength;
  return { states: matcher.states, words: matcher.words.size, arrays, dictionary: chars + matcher.words.size * 40 };
}
