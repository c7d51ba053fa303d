import { checkStatus } from '../../../lib/http/status';
import { AuthError, HttpStatusError, isRetriable } from '../../../lib/errors';
import type { HttpResponse } from '../../../lib/http/request';

const URL = 'https://api.example.com/v1/incidents?api_key=***&offset=100';
const response = (status: number, headers: Record<string, string> = {}): HttpResponse => ({ status, headers, bodyText: 'body', url: URL });

function thrown(fn: () => void): Error | undefined {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('checkStatus', () => {
  it.each([200, 201, 204, 301, 304, 399])('%i passes', (status) => {
    expect(thrown(() => checkStatus(response(status), {}))).toBeUndefined();
  });

  it.each([
    [400, '400 Client Error: Bad Request for url: ' + URL, false],
    [404, '404 Client Error: Not Found for url: ' + URL, false],
    [408, '408 Client Error: Request Timeout for url: ' + URL, false],
    [422, '422 Client Error: Unprocessable Entity for url: ' + URL, false],
    [429, '429 Client Error: Too Many Requests for url: ' + URL, true],
    [500, '500 Server Error: Internal Server Error for url: ' + URL, true],
    [501, '501 Server Error: Not Implemented for url: ' + URL, true],
    [503, '503 Server Error: Service Unavailable for url: ' + URL, true],
    [599, '599 Server Error: Unknown for url: ' + URL, true],
  ])('%i → HttpStatusError "%s", retriable %s by dlt default', (status, message, retriable) => {
    const error = thrown(() => checkStatus(response(status), { resource: 'incidents', page: 2 })) as HttpStatusError;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.message).toBe(message);
    expect(error.status).toBe(status);
    expect(isRetriable(error)).toBe(retriable);
    expect(error.context).toEqual({ url: URL, status, resource: 'incidents', page: 2 });
  });

  it.each([
    [429, true],
    [500, true],
    [501, false],
    [502, true],
    [503, true],
    [504, true],
    [505, false],
  ])('with the seed retry statuses (429, 500, 502, 503, 504), %i retriable = %s', (status, retriable) => {
    const error = thrown(() => checkStatus(response(status), { retryStatuses: [429, 500, 502, 503, 504] }));
    expect(isRetriable(error)).toBe(retriable);
  });

  it('carries Retry-After unparsed', () => {
    const error = thrown(() => checkStatus(response(429, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), {})) as HttpStatusError;
    expect(error.retryAfter).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    const none = thrown(() => checkStatus(response(503), {})) as HttpStatusError;
    expect(none.retryAfter).toBeNull();
  });

  it.each([
    [401, 'api_key in query parameter api_key', `401 Unauthorized for url: ${URL}: the API rejected the credentials (the auth in use is api_key in query parameter api_key); check that the secret is current and allowed to read this endpoint`],
    [403, 'bearer token in header Authorization', `403 Forbidden for url: ${URL}: the API rejected the credentials (the auth in use is bearer token in header Authorization); check that the secret is current and allowed to read this endpoint`],
    [401, null, `401 Unauthorized for url: ${URL}: the API rejected the credentials (no auth is configured); set client.auth (or endpoint.auth)`],
  ])('%i with auth %j → AuthError, never retried', (status, auth, message) => {
    const error = thrown(() => checkStatus(response(status), { auth, retryStatuses: [401, 403] }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error?.message).toBe(message);
    expect(isRetriable(error)).toBe(false);
  });
});
