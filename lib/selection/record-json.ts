/**
 * Each selected record's JSON text, cut from the response bytes, so that JSON values need not be
 * serialised again: re-serialising was a fifth of the main thread at latency 0 (profiled).
 *
 * A record gets its text only when that text is byte for byte what `JSON.stringify` writes for
 * the parsed record, so the published bytes do not depend on which path produced them. The scan
 * is conservative and falls back (no text: the encoder serialises) on anything
 * `JSON.stringify` could spell differently: whitespace, `\u` and `\/` escapes, numbers that are
 * not in their shortest form, keys starting with a digit (V8 moves integer-like keys first), and
 * nesting deeper than {@link MAX_DEPTH} (JSON.stringify recurses and may overflow the stack on
 * such a record, which is then dead-lettered as before rather than published from its text).
 * One difference is left: an object with a duplicate name keeps both members, where
 * `JSON.stringify` writes the last one only; every mainstream parser (JSON.parse, Jackson,
 * Python's json) reads it as that last one too.
 *
 * The body must already have parsed with `JSON.parse`: the scan trusts its grammar.
 */
import { parseJsonPath } from './json-path';

/** The text of a page's records by record identity; records without one are serialised. */
export type RecordJson = ReadonlyMap<object, Buffer>;

/**
 * The member names a selector reads (`data` → ['data'], `$.result.items` → ['result', 'items'],
 * `$` → []), or `null` for any other selector (wildcards, indexes, filters, descent), whose
 * records this module does not cut.
 *
 * @example memberPath("$['result'].items") // ['result', 'items']
 */
export function memberPath(selector: string): string[] | null {
  const names: string[] = [];
  for (const segment of parseJsonPath(selector).segments) {
    const [only] = segment.selectors;
    if (segment.descendant || segment.selectors.length !== 1 || only.kind !== 'name') return null;
    names.push(only.name);
  }
  return names;
}

/**
 * Cuts the list at `path` in `body` into its elements and pairs each with `records[i]`, the same
 * list as `JSON.parse` read it. `null` when the value at `path` is not a list of
 * `records.length` elements. Only object records are paired.
 *
 * @example
 * const body = Buffer.from('{"data":[{"id":1},{"id": 2}]}');
 * const records = JSON.parse(body.toString()).data;
 * recordJson(body, ['data'], records)?.get(records[0])?.toString() // '{"id":1}'; records[1] has a space, so none
 */
export function recordJson(body: Buffer, path: readonly string[], records: readonly unknown[]): Map<object, Buffer> | null {
  const scan = new Scanner(body);
  const spans = scan.list(path.map((name) => Buffer.from(JSON.stringify(name), 'utf8')));
  if (spans === null || spans.length !== records.length * 3) return null;
  const texts = new Map<object, Buffer>();
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (spans[3 * i + 2] === 1 && typeof record === 'object' && record !== null && !Array.isArray(record)) {
      texts.set(record, body.subarray(spans[3 * i], spans[3 * i + 1]));
    }
  }
  return texts;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const SLASH = 0x2f;
const LETTER_U = 0x75;
const LETTER_F = 0x66;
/** Up to this many digits an integer is exact in a double and written back unchanged. */
const EXACT_DIGITS = 15;
/** Deeper records are left to JSON.stringify, whose recursion decides whether they can be published. */
export const MAX_DEPTH = 500;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

class Scanner {
  private i = 0;
  /** Whether the value scanned last is spelled as `JSON.stringify` spells it. */
  private canonical = true;

  constructor(private readonly b: Buffer) {}

  /**
   * [start, end, canonical (1|0)] per element of the list the member names lead to; the last
   * member of a name wins, as in JSON.parse.
   */
  list(path: readonly Buffer[]): number[] | null {
    this.space();
    const spans = this.follow(path, 0);
    this.space();
    return this.i === this.b.length ? spans : null;
  }

  private follow(path: readonly Buffer[], depth: number): number[] | null {
    const { b } = this;
    if (depth === path.length) return b[this.i] === OPEN_ARRAY ? this.elements() : (this.value(), null);
    if (b[this.i] !== OPEN_OBJECT) return this.value(), null;
    this.i++;
    let found: number[] | null = null;
    this.space();
    if (b[this.i] === CLOSE_OBJECT) return this.i++, null;
    for (;;) {
      this.space();
      const nameStart = this.i;
      this.string();
      const matches = this.named(nameStart, path[depth]);
      this.space();
      this.i++; // ':'
      this.space();
      if (matches) found = this.follow(path, depth + 1);
      else this.value();
      this.space();
      if (b[this.i++] === CLOSE_OBJECT) return found;
    }
  }

  private named(start: number, name: Buffer): boolean {
    if (this.i - start !== name.length) return false;
    for (let k = 0; k < name.length; k++) if (this.b[start + k] !== name[k]) return false;
    return true;
  }

  private elements(): number[] {
    const { b } = this;
    const spans: number[] = [];
    this.i++;
    this.space();
    if (b[this.i] === CLOSE_ARRAY) return this.i++, spans;
    for (;;) {
      this.space();
      const start = this.i;
      this.canonical = true;
      this.value();
      spans.push(start, this.i, this.canonical ? 1 : 0);
      this.space();
      if (b[this.i++] === CLOSE_ARRAY) return spans;
    }
  }

  /** Skips one value (and everything in it), clearing `canonical` on any non-canonical spelling. */
  private value(): void {
    const { b } = this;
    let depth = 0;
    for (;;) {
      const c = b[this.i];
      if (c === QUOTE) {
        const start = this.i + 1;
        this.string();
        // A key starting with a digit may be integer-like, which V8 orders before the others.
        if (b[this.i] === COLON && b[start] >= DIGIT_0 && b[start] <= DIGIT_9) this.canonical = false;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (++depth > MAX_DEPTH) this.canonical = false;
        this.i++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        this.i++;
      } else if (c === COMMA || c === COLON) {
        this.i++;
      } else if (isSpace(c)) {
        this.canonical = false;
        this.i++;
      } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
        this.number();
      } else {
        this.i += c === LETTER_F ? 5 : 4; // false; true, null
      }
      if (depth === 0) return;
    }
  }

  private string(): void {
    const { b } = this;
    let i = this.i + 1;
    for (;;) {
      const c = b[i];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        const escaped = b[i + 1];
        // JSON.stringify writes neither `\/` nor `\u` for characters it leaves as they are.
        if (escaped === SLASH || escaped === LETTER_U) this.canonical = false;
        i += 2;
      } else {
        i++;
      }
    }
    this.i = i + 1;
  }

  private number(): void {
    const { b } = this;
    const start = this.i;
    let i = start;
    let plain = true;
    for (;;) {
      const c = b[i];
      if (c >= DIGIT_0 && c <= DIGIT_9) i++;
      else if (c === MINUS && i === start) i++;
      else if (c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS) {
        plain = false; // '.', 'e', 'E', '+', an exponent's '-'
        i++;
      } else break;
    }
    this.i = i;
    const digits = i - start - (b[start] === MINUS ? 1 : 0);
    const negativeZero = b[start] === MINUS && b[start + 1] === DIGIT_0 && i - start === 2;
    if (!plain || digits > EXACT_DIGITS || negativeZero) {
      const text = b.toString('latin1', start, i);
      if (String(Number(text)) !== text) this.canonical = false;
    }
  }

  private space(): void {
    while (isSpace(this.b[this.i])) this.i++;
  }
}
