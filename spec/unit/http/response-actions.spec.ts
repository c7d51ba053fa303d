import type { ResponseAction, ResponseCallback } from '../../../lib/config/types';
import { applyResponseActions } from '../../../lib/http/response-actions';
import type { HttpResponse } from '../../../lib/http/request';

const response = (status: number, bodyText = ''): HttpResponse => ({ status, headers: { 'content-type': 'application/json' }, bodyText, url: 'https://x/a' });

const setStatus = (status: number): ResponseCallback => (r) => {
  r.status = status;
};
const appendBody = (text: string): ResponseCallback => (r) => {
  r.body += text;
};

describe('applyResponseActions', () => {
  it.each<[string, ResponseAction[] | undefined, HttpResponse, 'ignore' | { status: number; bodyText: string }]>([
    ['no actions: unchanged', undefined, response(500, 'x'), { status: 500, bodyText: 'x' }],
    ['empty list: unchanged', [], response(500, 'x'), { status: 500, bodyText: 'x' }],
    ['status_code equality → ignore', [{ status_code: 404, action: 'ignore' }], response(404), 'ignore'],
    ['status_code differs → no match', [{ status_code: 404, action: 'ignore' }], response(403), { status: 403, bodyText: '' }],
    ['a string status_code never matches', [{ status_code: '404' as unknown as number, action: 'ignore' }], response(404), { status: 404, bodyText: '' }],
    ['content substring → ignore', [{ content: 'not found', action: 'ignore' }], response(400, 'item not found here'), 'ignore'],
    ['content absent → no match', [{ content: 'not found', action: 'ignore' }], response(400, 'bad'), { status: 400, bodyText: 'bad' }],
    ['both must match: both do', [{ status_code: 400, content: 'gone', action: 'ignore' }], response(400, 'gone'), 'ignore'],
    ['both must match: status only', [{ status_code: 400, content: 'gone', action: 'ignore' }], response(400, 'other'), { status: 400, bodyText: 'other' }],
    ['both must match: content only', [{ status_code: 400, content: 'gone', action: 'ignore' }], response(404, 'gone'), { status: 404, bodyText: 'gone' }],
    ['a 2xx response is evaluated too', [{ content: '"data": []', action: 'ignore' }], response(200, '{"data": []}'), 'ignore'],
    ['a 429 can be ignored (so it is never retried)', [{ status_code: 429, action: 'ignore' }], response(429), 'ignore'],
    ['no condition and ignore → matches nothing', [{ action: 'ignore' }], response(500), { status: 500, bodyText: '' }],
    ['another string action is a no-op', [{ status_code: 500, action: 'retry' }], response(500), { status: 500, bodyText: '' }],
    ['a bare callback runs on every response', [setStatus(200)], response(500), { status: 200, bodyText: '' }],
    ['a matching callback action runs', [{ status_code: 404, action: setStatus(200) }], response(404), { status: 200, bodyText: '' }],
    ['a non-matching callback action does not', [{ status_code: 404, action: setStatus(200) }], response(500), { status: 500, bodyText: '' }],
    ['a list of callbacks runs in order', [{ status_code: 500, action: [appendBody('1'), appendBody('2')] }], response(500, '>'), { status: 500, bodyText: '>12' }],
    ['a callback with no condition runs', [{ action: appendBody('!') }], response(200, 'ok'), { status: 200, bodyText: 'ok!' }],
    ['later entries see a mutated status', [setStatus(404), { status_code: 404, action: 'ignore' }], response(200), 'ignore'],
    ['later entries see a mutated body', [appendBody(' skip'), { content: 'skip', action: 'ignore' }], response(200, 'x'), 'ignore'],
    ['first ignore wins: later callbacks do not run', [{ status_code: 404, action: 'ignore' }, setStatus(200)], response(404), 'ignore'],
    ['entries before an ignore still run', [appendBody('!'), { status_code: 404, action: 'ignore' }], response(404), 'ignore'],
  ])('%s', (_name, actions, input, expected) => {
    const result = applyResponseActions(actions, input);
    if (expected === 'ignore') {
      expect(result).toBe('ignore');
    } else {
      expect(result).toEqual({ ...input, ...expected });
    }
  });

  it('gives callbacks a copy: the input response is never mutated', () => {
    const input = response(500, 'body');
    const result = applyResponseActions(
      [
        (r) => {
          r.status = 200;
          r.body = 'rewritten';
          r.headers['x-added'] = '1';
        },
      ],
      input,
    );
    expect(input).toEqual(response(500, 'body'));
    expect(result).toEqual({ status: 200, bodyText: 'rewritten', headers: { 'content-type': 'application/json', 'x-added': '1' }, url: 'https://x/a' });
  });

  it('runs a callback once per call, i.e. again on each retry attempt', () => {
    const calls: number[] = [];
    const actions: ResponseAction[] = [(r) => calls.push(r.status)];
    applyResponseActions(actions, response(503));
    applyResponseActions(actions, response(200));
    expect(calls).toEqual([503, 200]);
  });
});
