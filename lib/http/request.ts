/**
 * The request model every stage agrees on, and URL building (pure).
 * Auth and paginators are functions from one PageRequest to another.
 */
import type { HttpMethod, JsonValue } from '../config/types';

export interface PageRequest {
  method: HttpMethod;
  /** Absolute URL; may carry a query string of its own (e.g. a next link). */
  url: string;
  /** Query parameters appended to `url`; a `null` value is omitted. */
  params: Record<string, string | null>;
  headers: Record<string, string>;
  /** JSON body (sent even on GET when present). */
  json?: JsonValue;
  /** Form body: pairs are url-encoded; a string is sent raw. */
  data?: [string, string][] | string;
}

/** The parts of an HTTP response the stages look at. Header names are lower-case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  /** The bytes `bodyText` was decoded from, when it came from the network unchanged. */
  bodyBytes?: Buffer;
  /** Set when the body's bytes are not valid UTF-8: `bodyText` then holds U+FFFD in their place. */
  invalidUtf8?: true;
  /** Redacted URL the response came from. */
  url: string;
}
