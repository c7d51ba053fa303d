/**
 * `${NAME}` substitution in config strings: `${NAME}` is replaced by the named value,
 * `${NAME:-default}` falls back to `default` when the name has no value, and `$${` is a
 * literal `${`. dlt's own `{placeholder}` syntax is untouched (it has no `$`).
 */

export interface Interpolated {
  text: string;
  /** Names that had a value (so the caller can register them for redaction). */
  used: { name: string; value: string }[];
  /** Names with neither a value nor a default. */
  missing: string[];
}

const TEMPLATE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::-([^}]*))?\}/g;

/**
 * Substitutes every `${...}` in `text` using `resolve`. Syntax was checked by the validator;
 * anything that is not a well-formed reference is left as it is.
 *
 * @example
 * interpolate('Token token=${PD_KEY}', (n) => ({ PD_KEY: 'abc' })[n]).text // 'Token token=abc'
 */
export function interpolate(text: string, resolve: (name: string) => string | undefined): Interpolated {
  const used: Interpolated['used'] = [];
  const missing: string[] = [];
  const out = text.replace(TEMPLATE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const value = resolve(name);
    if (value !== undefined) {
      used.push({ name, value });
      return value;
    }
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return whole;
  });
  return { text: out, used, missing };
}

/** True when `text` holds a `${` reference (or a `$${` escape) to process. */
export function hasTemplate(text: string): boolean {
  return text.includes('${');
}
