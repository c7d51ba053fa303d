/**
 * Turns parsed JSONPath segments into a function. Where jsonpath-ng (dlt's engine) and RFC 9535
 * differ, this follows jsonpath-ng because the same config must select the same records:
 * `[*]` / `[a:b]` applied to an object or scalar match that value itself (jsonpath-ng wraps it
 * in a one-element list; a falsy value matches nothing), and a filter comparing with a number
 * converts numeric strings first (`"5" == 5`). One deliberate difference: `.*` on an array
 * yields its elements (jsonpath-ng yields nothing, which no config can usefully rely on).
 */
import type { JsonPathQuery } from './json-path';
import type { ComparisonOp, Condition, Literal, Segment, Selector } from './json-path-parse';
import { hasOwn, isJsonObject, isPythonTruthy } from './json-object';

type Step = (node: unknown, out: unknown[]) => void;

const NUMERIC_STRING = /^\s*-?\d+(?:\.\d+)?\s*$/;

export function compileSegments(segments: readonly Segment[]): JsonPathQuery {
  if (segments.length === 0) return (document) => [document];
  const names = plainNames(segments);
  if (names) return names.length === 1 ? propertyRead(names[0]) : propertyChain(names);
  const steps = segments.map(compileSegment);
  return (document) => {
    let nodes: unknown[] = [document];
    for (const step of steps) {
      const next: unknown[] = [];
      for (const node of nodes) step(node, next);
      if (next.length === 0) return next;
      nodes = next;
    }
    return nodes;
  };
}

/** The names of a path made only of `.name` segments, else null. */
function plainNames(segments: readonly Segment[]): string[] | null {
  const names: string[] = [];
  for (const { descendant, selectors } of segments) {
    const [selector] = selectors;
    if (descendant || selectors.length !== 1 || selector.kind !== 'name') return null;
    names.push(selector.name);
  }
  return names;
}

function propertyRead(name: string): JsonPathQuery {
  return (document) => (isJsonObject(document) && hasOwn(document, name) ? [document[name]] : []);
}

function propertyChain(names: readonly string[]): JsonPathQuery {
  return (document) => {
    let node = document;
    for (const name of names) {
      if (!isJsonObject(node) || !hasOwn(node, name)) return [];
      node = node[name];
    }
    return [node];
  };
}

function compileSegment({ descendant, selectors }: Segment): Step {
  const steps = selectors.map(compileSelector);
  const direct: Step =
    steps.length === 1
      ? steps[0]
      : (node, out) => {
          for (const step of steps) step(node, out);
        };
  if (!descendant) return direct;
  // Pre-order: a node's own matches come before its descendants', in document order.
  const descend: Step = (node, out) => {
    direct(node, out);
    if (Array.isArray(node)) for (const child of node) descend(child, out);
    else if (isJsonObject(node)) for (const key in node) descend(node[key], out);
  };
  return descend;
}

function compileSelector(selector: Selector): Step {
  switch (selector.kind) {
    case 'name': {
      const { name } = selector;
      return (node, out) => {
        if (isJsonObject(node) && hasOwn(node, name)) out.push(node[name]);
      };
    }
    case 'wildcard':
      return (node, out) => {
        if (Array.isArray(node)) pushAll(node, out);
        else if (isJsonObject(node)) for (const key in node) out.push(node[key]);
      };
    case 'index': {
      const { index } = selector;
      return (node, out) => {
        if (!Array.isArray(node)) return;
        const i = index < 0 ? node.length + index : index;
        if (i >= 0 && i < node.length) out.push(node[i]);
      };
    }
    case 'slice': {
      const start = selector.start ?? undefined;
      const end = selector.end ?? undefined;
      return (node, out) => {
        const list = Array.isArray(node) ? node : isPythonTruthy(node) ? [node] : [];
        pushAll(list.slice(start, end), out);
      };
    }
    case 'filter': {
      const tests = selector.conditions.map(compileCondition);
      return (node, out) => {
        const children = Array.isArray(node) ? node : isJsonObject(node) ? Object.values(node) : [];
        for (const child of children) if (tests.every((test) => test(child))) out.push(child);
      };
    }
  }
}

function compileCondition({ path, op, value }: Condition): (node: unknown) => boolean {
  const query = compileSegments(path);
  if (op === null) return (node) => query(node).length > 0;
  return (node) => query(node).some((found) => compare(found, op, value));
}

function compare(found: unknown, op: ComparisonOp, literal: Literal): boolean {
  const value = typeof literal === 'number' && typeof found === 'string' && NUMERIC_STRING.test(found) ? Number(found) : found;
  switch (op) {
    case '==':
      return value === literal;
    case '!=':
      return value !== literal;
    default:
      return ordered(value, op, literal);
  }
}

function ordered(value: unknown, op: '<' | '<=' | '>' | '>=', literal: Literal): boolean {
  const comparable =
    (typeof value === 'number' && typeof literal === 'number') || (typeof value === 'string' && typeof literal === 'string');
  if (!comparable) return false;
  const [a, b] = [value as number | string, literal as number | string];
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

/** `out.push(...items)` overflows the call stack for lists of ~100k elements. */
function pushAll(items: readonly unknown[], out: unknown[]): void {
  for (const item of items) out.push(item);
}
