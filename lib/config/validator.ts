/**
 * A compact declarative validator: a spec is a function that checks one value at one path,
 * reports issues into a shared context and returns the value's normalised form.
 *
 * Specs compose (`object`, `arrayOf`, `recordOf`, `byType`, ...) so that `schema.ts` reads as a
 * table of field specs per object kind. Every issue is collected — validation never stops at
 * the first one — and each names its exact path. A value of the wrong type makes its spec
 * return INVALID; a well-typed but wrong value (out of range, a conflicting combination) is
 * reported and kept, so later rules still see it.
 */
import { didYouMean } from './did-you-mean';
import { describeValue, formatKey, isPlainObject, isSecretRef } from './values';

/** Stable issue codes, so tests and tools assert the kind of problem, not the wording. */
export type IssueCode =
  | 'CONFIG_UNKNOWN_KEY'
  | 'CONFIG_REQUIRED'
  | 'CONFIG_TYPE'
  | 'CONFIG_ENUM'
  | 'CONFIG_VALUE'
  | 'CONFIG_CONFLICT'
  | 'CONFIG_REFERENCE'
  | 'CONFIG_FUNCTION';

export interface Issue {
  path: string;
  code: IssueCode;
  message: string;
}

export interface Ctx {
  readonly issues: Issue[];
  readonly warnings: string[];
  /** Literal secret values met in the file, for the loader to register for redaction. */
  readonly secrets: string[];
  /** True for `.ts`/`.js` module configs: only they may hold functions. */
  readonly module: boolean;
}

/** Returned by a spec whose value was invalid (the issue is already reported). */
export const INVALID: unique symbol = Symbol('invalid');
export type Result = unknown;
export type Spec = (value: unknown, path: string, ctx: Ctx) => Result;

export function report(ctx: Ctx, path: string, code: IssueCode, message: string): typeof INVALID {
  ctx.issues.push({ path, code, message });
  return INVALID;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const k = formatKey(key);
  if (k.startsWith('[')) return `${path}${k}`;
  return path === '' ? k : `${path}.${k}`;
}

function typeError(ctx: Ctx, path: string, expected: string, value: unknown, secret = false): typeof INVALID {
  return report(ctx, path, 'CONFIG_TYPE', `expected ${expected}, got ${describeValue(value, secret)}`);
}

// ---------------------------------------------------------------- scalars

export interface StringOptions {
  /** Masks the value in messages (dlt-style) — auth secrets, passwords. */
  secret?: boolean;
  nonEmpty?: boolean;
  /** Extra check on the literal string; returns a message when the value is wrong. */
  check?: (value: string) => string | undefined;
}

/**
 * A string, or a `{ $secret: name }` reference (resolved after validation). `${NAME}`
 * templates are syntax-checked here and substituted later.
 */
export function str(options: StringOptions = {}): Spec {
  return (value, path, ctx) => {
    if (isSecretRef(value)) return checkSecretRef(value, path, ctx);
    if (typeof value !== 'string') return typeError(ctx, path, 'a string', value, options.secret);
    // A bad value of the right type is reported but returned, so rules that span fields and
    // resources still run and every problem is listed at once.
    const problem = options.nonEmpty && value === '' ? 'must not be empty' : (templateProblem(value) ?? options.check?.(value));
    if (problem) report(ctx, path, 'CONFIG_VALUE', problem);
    return value;
  };
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const TEMPLATE_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function checkSecretRef(value: Record<string, unknown>, path: string, ctx: Ctx): Result {
  const extra = Object.keys(value).filter((k) => k !== '$secret');
  if (extra.length > 0) return report(ctx, path, 'CONFIG_VALUE', `a secret reference has only the "$secret" key; also found ${extra.join(', ')}`);
  const name = value.$secret;
  if (typeof name !== 'string' || !SECRET_NAME.test(name)) {
    return report(ctx, path, 'CONFIG_VALUE', `"$secret" must name a secret (letters, digits, _ . -), got ${describeValue(name)}`);
  }
  return value;
}

/** Syntax of `${NAME}` / `${NAME:-default}` / `$${` (literal) inside a string. */
function templateProblem(value: string): string | undefined {
  for (let i = value.indexOf('${'); i !== -1; i = value.indexOf('${', i + 1)) {
    if (i > 0 && value[i - 1] === '$') continue;
    const end = value.indexOf('}', i);
    if (end === -1) return `unterminated "\${" (write "$\${" for a literal)`;
    const inner = value.slice(i + 2, end);
    const name = inner.split(':-', 1)[0];
    if (!TEMPLATE_NAME.test(name)) return `"\${${inner}}" is not a valid variable reference; expected \${NAME} or \${NAME:-default}`;
  }
  return undefined;
}

export function int(options: { min?: number; max?: number } = {}): Spec {
  return (value, path, ctx) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return typeError(ctx, path, 'an integer', value);
    return inRange(value, options, path, ctx);
  };
}

export function num(options: { min?: number } = {}): Spec {
  return (value, path, ctx) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return typeError(ctx, path, 'a number', value);
    return inRange(value, options, path, ctx);
  };
}

function inRange(value: number, o: { min?: number; max?: number }, path: string, ctx: Ctx): Result {
  if (o.min !== undefined && value < o.min) report(ctx, path, 'CONFIG_VALUE', `must be ≥ ${o.min}, got ${value}`);
  else if (o.max !== undefined && value > o.max) report(ctx, path, 'CONFIG_VALUE', `must be ≤ ${o.max}, got ${value}`);
  return value;
}

export const bool: Spec = (value, path, ctx) => (typeof value === 'boolean' ? value : typeError(ctx, path, 'a boolean', value));

/** One of a fixed set of strings (case-sensitive, as in dlt); `noun` names the set in messages. */
export function oneOf(values: readonly string[], noun: string): Spec {
  return (value, path, ctx) => {
    if (typeof value !== 'string') return typeError(ctx, path, `${noun} (one of: ${values.join(', ')})`, value);
    if (values.includes(value)) return value;
    const hint = didYouMean(value, values);
    return report(ctx, path, 'CONFIG_ENUM', `"${value}" is not ${noun}; known: ${values.join(', ')}${hint ? `; did you mean "${hint}"?` : ''}`);
  };
}

/** A function: only module configs can hold one (dlt accepts callables in the same places). */
export const fn: Spec = (value, path, ctx) => {
  if (typeof value !== 'function') return typeError(ctx, path, 'a function', value);
  if (!ctx.module) return report(ctx, path, 'CONFIG_FUNCTION', 'functions are only allowed in module configs (.ts/.js)');
  return value;
};

/** Any JSON value (secret references allowed); rejects functions, undefined and non-finite numbers. */
export const json: Spec = (value, path, ctx) => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : typeError(ctx, path, 'a JSON value', value);
  if (Array.isArray(value)) return collect(value.map((v, i) => json(v, join(path, i), ctx)));
  if (isSecretRef(value)) return checkSecretRef(value, path, ctx);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    let ok = true;
    for (const [k, v] of Object.entries(value)) {
      out[k] = json(v, join(path, k), ctx);
      ok &&= out[k] !== INVALID;
    }
    return ok ? out : INVALID;
  }
  return typeError(ctx, path, 'a JSON value', value);
};

// ---------------------------------------------------------------- combinators

export function nullable(spec: Spec): Spec {
  return (value, path, ctx) => (value === null ? null : spec(value, path, ctx));
}

/** Transforms a valid result (e.g. a shorthand into its object form). */
export function map(spec: Spec, f: (value: never, path: string, ctx: Ctx) => Result): Spec {
  return (value, path, ctx) => {
    const out = spec(value, path, ctx);
    return out === INVALID ? INVALID : f(out as never, path, ctx);
  };
}

export function arrayOf(item: Spec, options: { nonEmpty?: boolean; noun?: string } = {}): Spec {
  return (value, path, ctx) => {
    if (!Array.isArray(value)) return typeError(ctx, path, options.noun ?? 'a list', value);
    if (options.nonEmpty && value.length === 0) return report(ctx, path, 'CONFIG_VALUE', 'must not be empty');
    return collect(value.map((v, i) => item(v, join(path, i), ctx)));
  };
}

export function recordOf(item: Spec, noun = 'an object'): Spec {
  return (value, path, ctx) => {
    if (!isPlainObject(value) || isSecretRef(value)) return typeError(ctx, path, noun, value);
    const out: Record<string, unknown> = {};
    let ok = true;
    for (const [k, v] of Object.entries(value)) {
      out[k] = item(v, join(path, k), ctx);
      ok &&= out[k] !== INVALID;
    }
    return ok ? out : INVALID;
  };
}

/** Dispatches on the JavaScript type of the value (string shorthand vs object form, ...). */
export function byType(
  cases: Partial<Record<'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'function', Spec>>,
  expected: string,
): Spec {
  return (value, path, ctx) => {
    const type = jsType(value);
    const spec = type === 'other' ? undefined : cases[type];
    return spec ? spec(value, path, ctx) : typeError(ctx, path, expected, value);
  };
}

function jsType(value: unknown): 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'function' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  // A secret reference stands where a string is expected.
  if (isSecretRef(value)) return 'string';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' || t === 'function' ? t : 'other';
}

function collect(items: Result[]): Result {
  return items.includes(INVALID) ? INVALID : items;
}

// ---------------------------------------------------------------- objects

export interface Field {
  spec: Spec;
  required?: boolean;
}
export type Fields = Record<string, Spec | Field>;

export function required(spec: Spec): Field {
  return { spec, required: true };
}

export interface ObjectOptions {
  /** Cross-field rules; run only when the fields they need are well-typed. */
  check?: (value: Record<string, unknown>, path: string, ctx: Ctx) => void;
  /** Fields `check` needs; default all. */
  checkNeeds?: readonly string[];
  /** Keys dlt knows but rest2kafka cannot honour, with the reason shown to the user. */
  unsupported?: Record<string, string>;
  /** Keys that are valid elsewhere but contradict this object, with the reason (a conflict). */
  forbidden?: Record<string, string>;
  /** Keys accepted beyond `fields` (e.g. `x-` column hints); kept as is. */
  extraKey?: (key: string) => boolean;
}

/**
 * A plain object with a fixed set of keys. Unknown keys are errors with a did-you-mean;
 * missing required keys are errors; the result holds only the given keys.
 */
export function object(noun: string, fields: Fields, options: ObjectOptions = {}): Spec {
  const fieldOf = new Map(Object.entries(fields).map(([k, f]) => [k, (typeof f === 'function' ? { spec: f } : f) as Field]));
  const known = [...fieldOf.keys()];
  const unknownKey = (key: string, at: string, ctx: Ctx): void => {
    const conflict = options.forbidden?.[key];
    if (conflict) {
      report(ctx, at, 'CONFIG_CONFLICT', conflict);
      return;
    }
    const reason = options.unsupported?.[key];
    const hint = didYouMean(key, known);
    let message = `unknown key; known: ${known.join(', ')}`;
    if (reason) message = `not supported by rest2kafka: ${reason}`;
    else if (hint) message = `unknown key; did you mean "${hint}"?`;
    report(ctx, at, 'CONFIG_UNKNOWN_KEY', message);
  };
  return (value, path, ctx) => {
    if (!isPlainObject(value) || isSecretRef(value)) return typeError(ctx, path, noun, value);
    const out: Record<string, unknown> = {};
    const invalid = new Set<string>();
    // Document order, so the first issue reported is the first one in the file.
    for (const [key, v] of Object.entries(value)) {
      const field = fieldOf.get(key);
      if (field) {
        if (v === undefined) continue;
        const r = field.spec(v, join(path, key), ctx);
        if (r === INVALID) invalid.add(key);
        else out[key] = r;
      } else if (options.extraKey?.(key)) {
        out[key] = v;
      } else {
        invalid.add(key);
        unknownKey(key, join(path, key), ctx);
      }
    }
    for (const [key, field] of fieldOf) {
      if (field.required && value[key] === undefined) {
        report(ctx, join(path, key), 'CONFIG_REQUIRED', 'required');
        invalid.add(key);
      }
    }
    // A broken combination is reported, but the object keeps its (well-typed) shape.
    if (options.check && !(options.checkNeeds ?? known).some((k) => invalid.has(k))) options.check(out, path, ctx);
    return invalid.size > 0 ? INVALID : out;
  };
}

/**
 * An object discriminated by `type` (dlt's unions). The tag is checked against the known
 * names first, so a typo gets the list of types rather than a list of unknown keys.
 */
export function tagged(noun: string, variants: Record<string, Spec>, options: { defaultType?: string; aliases?: Record<string, string> } = {}): Spec {
  const names = Object.keys(variants);
  const tag = oneOf(names, noun);
  return (value, path, ctx) => {
    if (!isPlainObject(value) || isSecretRef(value)) return typeError(ctx, path, `${noun} object`, value);
    const raw = value.type ?? options.defaultType;
    if (raw === undefined) return report(ctx, join(path, 'type'), 'CONFIG_REQUIRED', `required; known: ${names.join(', ')}`);
    const type = typeof raw === 'string' ? (options.aliases?.[raw] ?? raw) : raw;
    if (tag(type, join(path, 'type'), ctx) === INVALID) return INVALID;
    return variants[type as string]({ ...value, type }, path, ctx);
  };
}
