/**
 * Recursive-descent parser for the JSONPath subset described in `json-path.ts`. The parsed form
 * follows RFC 9535's model: a path is a list of segments, each applying one or more selectors to
 * the children (or, for `..`, the descendants) of every node so far.
 */
import { ConfigError } from '../errors';

export type Literal = string | number | boolean | null;
export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** One test of a filter: the relative path's matches compared with a literal, or existence. */
export interface Condition {
  readonly path: readonly Segment[];
  /** `null` tests that the path matches anything. */
  readonly op: ComparisonOp | null;
  readonly value: Literal;
}

export type Selector =
  | { readonly kind: 'name'; readonly name: string }
  /** `.*`: the values of an object or the elements of an array. */
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'index'; readonly index: number }
  /** `[a:b]`; `[*]` is the slice with no bounds, as in jsonpath-ng. */
  | { readonly kind: 'slice'; readonly start: number | null; readonly end: number | null }
  /** `[?(…)]`: the children for which every condition holds. */
  | { readonly kind: 'filter'; readonly conditions: readonly Condition[] };

export interface Segment {
  /** `..`: apply the selectors to the node and all its descendants. */
  readonly descendant: boolean;
  readonly selectors: readonly Selector[];
}

const SUPPORTED =
  'supported: $, dotted names, quoted names (\'a.b\'), *, [*], [n], [a:b], [\'a\',\'b\'], ..name, [?(@.field == value)]';
const NAME_CHAR = /[A-Za-z0-9_\-@$\u0080-\uffff]/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const INTEGER = /^-?\d+/;
const OPERATORS: readonly [string, ComparisonOp | 'unsupported'][] = [
  ['==', '=='],
  ['!=', '!='],
  ['<=', '<='],
  ['>=', '>='],
  ['=~', 'unsupported'],
  ['=', '=='],
  ['<', '<'],
  ['>', '>'],
];

/** Parses a whole (trimmed) expression; throws ConfigError. */
export function parseSegments(source: string): Segment[] {
  const parser = new Parser(source);
  const segments = parser.path(false);
  if (!parser.done()) parser.unexpected();
  return segments;
}

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  done(): boolean {
    return this.pos >= this.src.length;
  }

  /** A path; inside a filter it ends at the first character that cannot continue it. */
  path(inFilter: boolean): Segment[] {
    const segments: Segment[] = [];
    const c = this.peek();
    if ((c === '$' || c === '@') && !isNameChar(this.src[this.pos + 1])) {
      this.pos++;
    } else if (c !== '[') {
      // A relative path (`data.items`) starts with a member, like one after a dot.
      segments.push(this.member(false));
    }
    while (!this.done()) {
      const ch = this.peek();
      if (ch === '.') {
        const descendant = this.src[this.pos + 1] === '.';
        this.pos += descendant ? 2 : 1;
        segments.push(this.peek() === '[' ? { descendant, selectors: this.bracket() } : this.member(descendant));
      } else if (ch === '[') {
        segments.push({ descendant: false, selectors: this.bracket() });
      } else if (inFilter) {
        break;
      } else {
        this.unexpected();
      }
    }
    return segments;
  }

  /** What may follow a dot: a name, a quoted name or `*`. */
  private member(descendant: boolean): Segment {
    const ch = this.peek();
    if (ch === '*') {
      this.pos++;
      return { descendant, selectors: [{ kind: 'wildcard' }] };
    }
    if (ch === '"' || ch === "'") return { descendant, selectors: [{ kind: 'name', name: this.quoted() }] };
    const start = this.pos;
    while (!this.done() && isNameChar(this.peek())) this.pos++;
    if (this.pos === start) this.unexpected('a name');
    return { descendant, selectors: [{ kind: 'name', name: this.src.slice(start, this.pos) }] };
  }

  private bracket(): Selector[] {
    this.pos++; // '['
    const selectors: Selector[] = [];
    do {
      this.skipSpace();
      selectors.push(this.bracketSelector());
      this.skipSpace();
    } while (this.eat(','));
    if (!this.eat(']')) this.unexpected('"]"');
    return selectors;
  }

  private bracketSelector(): Selector {
    const ch = this.peek();
    if (ch === '*') {
      this.pos++;
      return { kind: 'slice', start: null, end: null };
    }
    if (ch === '"' || ch === "'") return { kind: 'name', name: this.quoted() };
    if (ch === '?') {
      this.pos++;
      return { kind: 'filter', conditions: this.filter() };
    }
    if (ch === '(') this.unsupported('script expressions "[(...)]"');
    const start = this.integer();
    if (!this.eat(':')) {
      if (start === null) this.unexpected('"*", a quoted name, an index, a slice or a filter');
      return { kind: 'index', index: start };
    }
    const end = this.integer();
    if (this.peek() === ':') this.unsupported('slice steps "[a:b:step]"');
    return { kind: 'slice', start, end };
  }

  private filter(): Condition[] {
    this.skipSpace();
    const parenthesised = this.eat('(');
    const conditions: Condition[] = [];
    for (;;) {
      this.skipSpace();
      conditions.push(this.condition());
      this.skipSpace();
      if (this.eat('&&') || this.eat('&')) continue;
      if (this.peek() === '|') this.unsupported('"||" (or) in filters');
      break;
    }
    if (parenthesised && !this.eat(')')) this.unexpected('")"');
    this.skipSpace();
    return conditions;
  }

  private condition(): Condition {
    const start = this.pos;
    const path = this.path(true);
    if (this.pos === start) this.unexpected('a path such as @.field');
    this.skipSpace();
    const operator = OPERATORS.find(([token]) => this.src.startsWith(token, this.pos));
    if (!operator) return { path, op: null, value: null };
    if (operator[1] === 'unsupported') this.unsupported(`the "${operator[0]}" operator`);
    this.pos += operator[0].length;
    this.skipSpace();
    return { path, op: operator[1], value: this.literal() };
  }

  private literal(): Literal {
    const ch = this.peek();
    if (ch === '"' || ch === "'") return this.quoted();
    const rest = this.src.slice(this.pos);
    const number = NUMBER.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (rest.startsWith(word) && !isNameChar(rest[word.length])) {
        this.pos += word.length;
        return value;
      }
    }
    return this.unexpected('a string, number, true, false or null');
  }

  private quoted(): string {
    const quote = this.src[this.pos++];
    let out = '';
    while (!this.done()) {
      const ch = this.src[this.pos++];
      if (ch === quote) return out;
      // A backslash takes the next character literally: \' \" \\ .
      out += ch === '\\' && !this.done() ? this.src[this.pos++] : ch;
    }
    return this.unexpected(`a closing ${quote}`);
  }

  private integer(): number | null {
    const match = INTEGER.exec(this.src.slice(this.pos));
    if (!match) return null;
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private peek(): string {
    return this.src[this.pos] ?? '';
  }

  private eat(token: string): boolean {
    if (!this.src.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  private skipSpace(): void {
    while (/\s/.test(this.peek())) this.pos++;
  }

  unexpected(expected?: string): never {
    const ch = this.peek();
    const ahead = this.src.slice(this.pos).trimStart();
    if (ch === '`') this.unsupported('jsonpath-ng named operators (`this`, `parent`)');
    if (ahead.startsWith('|')) this.unsupported('path unions "a | b"');
    if (/^(where|wherenot)\s/.test(ahead)) this.unsupported('"where" clauses');
    if (ch === '(') this.unsupported('function calls and script expressions');
    const found = ch === '' ? 'the end' : JSON.stringify(ch);
    const wanted = expected ? `expected ${expected}, found ${found}` : `unexpected ${found}`;
    throw new ConfigError(`Invalid JSONPath ${JSON.stringify(this.src)} at position ${this.pos}: ${wanted}; ${SUPPORTED}`);
  }

  private unsupported(what: string): never {
    throw new ConfigError(
      `Unsupported JSONPath syntax in ${JSON.stringify(this.src)} at position ${this.pos}: ${what}; ${SUPPORTED}`,
    );
  }
}

function isNameChar(ch: string | undefined): boolean {
  return ch !== undefined && NAME_CHAR.test(ch);
}
