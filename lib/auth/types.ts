/** The auth contract: a function from one page request to the same request, authenticated. */
import type { HttpClient } from '../http/client';
import type { PageRequest } from '../http/request';

export interface Auth {
  /** dlt's type name, e.g. `api_key`. */
  readonly type: string;
  /**
   * Returns a copy of `request` carrying the credentials. Applied each time a page request is
   * prepared (next links included); `signal` cancels any token fetch it has to wait for.
   */
  apply(request: PageRequest, signal?: AbortSignal): Promise<PageRequest>;
  /** Where the credentials go, for error messages, e.g. `api_key in query parameter api_key`. Never a secret. */
  describe(): string;
  /**
   * For auth that holds a fetched token: forget it, so the next `apply` fetches a new one. Called
   * when the API answers 401 to a request this auth signed (a token revoked early, or expired in
   * flight); the request is then sent once more.
   */
  renew?(): void;
}

export interface AuthDeps {
  /** Sends the token requests of auth types that need them. */
  send: HttpClient['send'];
  /** Epoch milliseconds; injected so token expiry is testable. Default `Date.now`. */
  now?: () => number;
}
