/**
 * Positions in a YAML config file: where a validation path stands, and where a parse error
 * starts. Validation works on the parsed value, which has no positions, so a YAML config's
 * errors would otherwise name only the path; the document (with a LineCounter) has them.
 */
import { CST, isAlias, isMap, isSeq, LineCounter, Parser, type Document, type YAMLError } from 'yaml';

/** `line 9, column 14` for a validation path, or undefined when the file cannot tell. */
export type Locate = (path: string) => string | undefined;

/**
 * Finds a validation path (`source.resources[1].endpoint.paginator.limit`, as `validator.ts`'s
 * `join` writes it) in `doc`: a map entry by its key, a list item by its start. A path that
 * goes further than the file (a required key that is missing) stops at the deepest node that
 * exists, which is where the key belongs.
 *
 * @example
 * const lineCounter = new LineCounter();
 * const locate = yamlLocator(parseDocument(text, { lineCounter }), lineCounter);
 * locate('source.client.base_url'); // 'line 3, column 5'
 */
export function yamlLocator(doc: Document, lineCounter: LineCounter): Locate {
  return (path) => {
    const segments = parsePath(path);
    if (!segments || segments.length === 0) return undefined;
    let node: unknown = doc.contents;
    let offset: number | undefined;
    for (const segment of segments) {
      if (isAlias(node)) node = node.resolve(doc);
      if (typeof segment === 'number' && isSeq(node) && node.items[segment] !== undefined) {
        node = node.items[segment];
        offset = (node as { range?: [number, number] }).range?.[0] ?? offset;
      } else if (typeof segment === 'string' && isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === segment);
        if (!pair) break;
        offset = (pair.key as { range?: [number, number] } | null)?.range?.[0] ?? offset;
        node = pair.value;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}`;
  };
}

function keyText(key: unknown): string | undefined {
  const value = (key as { value?: unknown } | null)?.value;
  return value === undefined || value === null ? undefined : String(value);
}

// One segment of a path: `name`, `[3]` or `["a.b"]` (values.ts's formatKey).
const SEGMENT = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

function parsePath(path: string): (string | number)[] | undefined {
  const segments: (string | number)[] = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < path.length) {
    const match = SEGMENT.exec(path);
    if (!match) return undefined;
    segments.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (JSON.parse(match[3]) as string)));
  }
  return segments;
}

/**
 * A YAML parse error as the text after "invalid YAML": where, then what. The parser reports a
 * quoted string that is never closed where it gave up (often lines later); the string's
 * opening quote is where the mistake is, so that is the position given.
 *
 * @example describeYamlError(text, doc.errors[0]) // ' at line 3, column 11: the quoted string that starts here is never closed (…)'
 */
export function describeYamlError(text: string, error: YAMLError): string {
  // yaml appends its own " at line L, column C:" and a code frame; the position is given here.
  const what = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const reported = error.linePos?.[0];
  if (!reported) return `: ${what}`;
  const at = `line ${reported.line}, column ${reported.col}`;
  if (error.code === 'MISSING_CHAR' && /quote/i.test(what)) {
    const lineCounter = new LineCounter();
    const start = unclosedQuoteStart(text, error.pos[0], lineCounter);
    if (start !== undefined) {
      const { line, col } = lineCounter.linePos(start);
      return ` at line ${line}, column ${col}: the quoted string that starts here is never closed (the parser gave up at ${at})`;
    }
  }
  return ` at ${at}: ${what}`;
}

/** The offset of the quoted scalar that runs unclosed to `end`; fills `lineCounter` on the way. */
function unclosedQuoteStart(text: string, end: number, lineCounter: LineCounter): number | undefined {
  let found: number | undefined;
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, (item) => {
      for (const part of [item.key, item.value]) {
        if (part && (part.type === 'double-quoted-scalar' || part.type === 'single-quoted-scalar') && part.offset < end && end <= part.offset + part.source.length) {
          found = part.offset;
        }
      }
    });
  }
  return found;
}
