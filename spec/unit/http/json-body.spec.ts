import { locateJsonError, parseJsonBody } from '../../../lib/http/json-body';
import { ResponseError } from '../../../lib/errors';
import { clearSecrets, registerSecrets } from '../../../lib/secrets/registry';
import type { HttpResponse } from '../../../lib/http/request';

const URL = 'https://api.example.com/v1/incidents?api_key=***';
const response = (bodyText: string, headers: Record<string, string> = {}): HttpResponse => ({ status: 200, headers, bodyText, url: URL });
const context = { resource: 'incidents', page: 3 };
const source = `resource "incidents" page 3 (200 from ${URL})`;

function messageOf(body: string, headers: Record<string, string> = {}): string {
  try {
    parseJsonBody(response(body, headers), context);
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseError);
    return (error as Error).message;
  }
  throw new Error('expected a ResponseError');
}

afterEach(() => clearSecrets());

describe('parseJsonBody', () => {
  it.each([
    ['{"data": [1, 2]}', { data: [1, 2] }],
    ['[]', []],
    [' 42 ', 42],
    ['null', null],
  ])('parses %j', (body, expected) => {
    expect(parseJsonBody(response(body), context)).toEqual(expected);
  });

  it.each([
    ['{"data": [1,]}', 'at byte 12: unexpected character "]"'],
    ['{"data": [1, 2]', "at byte 15: unexpected end of input"],
    ['{"a": 1} trailing', 'at byte 9: unexpected data after the JSON value'],
    ['{"a" 1}', "at byte 5: expected ':' after a property name"],
    ['{a: 1}', 'at byte 1: expected a property name in double quotes'],
    ['{"a": tru}', 'at byte 6: unexpected character "t"'],
    ['{"a": 01}', "at byte 7: expected ',' or '}' in an object"],
    ['{"a": "x\\qy"}', 'at byte 8: invalid escape sequence in a string'],
    ['{"é": -}', 'at byte 7: invalid number'],
    ['["ünïcode", oops]', 'at byte 14: unexpected character "o"'],
  ])('malformed %j → names the resource, page, URL and %s', (body, where) => {
    expect(messageOf(body)).toBe(`malformed JSON in the response of ${source} ${where}; first 200 chars: ${JSON.stringify(body)}`);
  });

  it('quotes only the first 200 characters', () => {
    const body = `{"data": [${'1,'.repeat(300)}]}`;
    expect(messageOf(body)).toContain(`first 200 chars: ${JSON.stringify(body.slice(0, 200) + '…')}`);
  });

  it('redacts secrets in the quoted body', () => {
    registerSecrets('SENTINEL-in-body');
    const message = messageOf('{"echo": "SENTINEL-in-body", }');
    expect(message).not.toContain('SENTINEL');
    expect(message).toContain('***');
  });

  it.each(['', '   \n'])('an empty body (%j) gets its own message', (body) => {
    expect(messageOf(body)).toBe(`the response of ${source} has an empty body; expected a JSON document. Check endpoint.path and the API's documentation for this endpoint.`);
  });

  it.each<[string, Record<string, string>]>([
    ['<!DOCTYPE html><html><body>Sign in</body></html>', {}],
    ['Sign in', { 'content-type': 'text/html; charset=utf-8' }],
  ])('an HTML body (%j) gets its own message', (body, headers) => {
    expect(messageOf(body, headers)).toBe(
      `the response of ${source} is HTML, not JSON (first 200 chars: ${JSON.stringify(body)}). Is client.base_url pointing at the API rather than a web page or a login portal?`,
    );
  });

  it('puts the resource, page and redacted URL in the error context', () => {
    try {
      parseJsonBody(response('{'), context);
    } catch (error) {
      expect((error as ResponseError).context).toEqual({ url: URL, status: 200, resource: 'incidents', page: 3 });
      expect((error as ResponseError).retriable).toBe(false);
    }
    expect.assertions(2);
  });
});

describe('locateJsonError', () => {
  it.each(['{}', '[1, -2.5e+3, "a\\u00e9", true, false, null, {"k": []}]'])('finds nothing wrong in %j', (text) => {
    expect(locateJsonError(text)).toBeNull();
  });

  it('gives no position rather than crashing on absurd nesting', () => {
    expect(locateJsonError('['.repeat(1_000_000))).toBeNull();
  });
});
