/**
 * The one redaction module. Every exit — logs, error messages, CLI output, metrics labels,
 * dead-letter headers — passes text through {@link redact}.
 *
 * Two layers: every secret value in the registry (`registry.ts`) is replaced wherever it
 * appears (even inside a URL a fetch library printed), and query parameters whose names look
 * secret (dlt's list) are masked in any URL, known secret or not.
 */
import { secretMatcher } from './registry';

const MASK = '***';

/** Query parameter names masked in URLs, compared case-insensitively (dlt's list). */
export const SENSITIVE_PARAMS: ReadonlySet<string> = new Set([
  'api_key', 'token', 'key', 'access_token', 'apikey', 'api-key', 'access-token',
  'secret', 'password', 'pwd', 'client_secret',
]);

// The value stops before up to two punctuation marks that end the URL in prose, so
// "for url: …?api_key=k: the API rejected" and "(…?api_key=k): …" keep their `:` and `)`
// (masking them too left messages unbalanced). Punctuation inside a value is still masked.
const URL_PARAM = /([?&])([^=&#\s"']+)=([^&#\s"']*?)(?=[).,;:\]]{0,2}(?:[&#\s"']|$))/g;

/** Masks the values of sensitive query parameters in every URL-like part of `text`. */
export function redactUrl(text: string): string {
  return text.replace(URL_PARAM, (whole, sep: string, name: string) => {
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // keep the raw name
    }
    return SENSITIVE_PARAMS.has(decoded.toLowerCase()) ? `${sep}${name}=${MASK}` : whole;
  });
}

/** Removes every registered secret and every sensitive query parameter value from `text`. */
export function redact(text: string): string {
  const pattern = secretMatcher();
  const masked = pattern ? text.replace(pattern, MASK) : text;
  return redactUrl(masked);
}

/**
 * Redacts any value for output: strings directly, errors through their message, stack and
 * cause chain, other values through JSON.
 */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(redactValue);
  if (value instanceof Error) return redactError(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v);
  return out;
}

/** Rewrites an error's message, stack and cause chain in place and returns it. */
export function redactError<E extends Error>(error: E, depth = 0): E {
  try {
    error.message = redact(error.message);
    if (error.stack) error.stack = redact(error.stack);
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && depth < 16) redactError(cause, depth + 1);
  } catch {
    // Frozen or exotic errors: the caller still redacts the text it prints.
  }
  return error;
}
