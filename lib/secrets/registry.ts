/**
 * The secret values this process knows: whatever config loading resolved (registered once, at
 * start-up, by the loader) and what auth obtains at run time (OAuth2 tokens). {@link redact}
 * removes each of them from every text that leaves the process.
 *
 * A process-wide set rather than a value passed along: errors thrown deep inside a library
 * (node-fetch, kafkajs) are redacted where they surface, far from any config.
 */

const secrets = new Set<string>();
/** Built on first use after a change; `undefined` means stale, `null` means nothing to match. */
let matcher: RegExp | null | undefined = null;

/**
 * Registers secret values so that {@link redact} removes them everywhere.
 * Values shorter than 4 characters are masked too, but only through the query-parameter rule
 * of `redactUrl`: replacing a 2-character string everywhere would shred ordinary text.
 *
 * @example
 * registerSecrets(...loaded.secrets);
 */
export function registerSecrets(...values: readonly (string | null | undefined)[]): void {
  for (const value of values) {
    if (typeof value !== 'string' || value.length < 4 || secrets.has(value)) continue;
    secrets.add(value);
    matcher = undefined;
  }
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  matcher = null;
}

/** One pattern for every registered secret, in each form it travels in; null when none is registered. */
export function secretMatcher(): RegExp | null {
  if (matcher === undefined) matcher = buildMatcher();
  return matcher;
}

function buildMatcher(): RegExp | null {
  if (secrets.size === 0) return null;
  const variants = new Set<string>();
  for (const s of secrets) {
    variants.add(escapeRegExp(s));
    // URLs carry the percent-encoded form, and form bodies the `+` form.
    variants.add(escapeRegExp(encodeURIComponent(s)));
    variants.add(escapeRegExp(new URLSearchParams({ x: s }).toString().slice(2)));
  }
  // Longest first so a secret that contains another is removed whole.
  return new RegExp([...variants].sort((a, b) => b.length - a.length).join('|'), 'g');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
