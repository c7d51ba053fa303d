/**
 * `POST /oauth/token`: the OAuth2 client-credentials token endpoint, when the simulator is
 * started with `oauth` options. The token-endpoint fault (if any) replaces the answer, so a
 * test can make the endpoint fail, stall or corrupt a body that carries a real token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '../errors';
import { sendFault } from './data-endpoints';
import { TOKEN_PATH } from './oauth';
import { readBody } from './request-body';
import { send, sendError } from './respond';
import type { Simulator } from './simulator';

const FORM_TYPE = 'application/x-www-form-urlencoded';
// RFC 6749 §5.1: token responses must not be cached.
const NO_CACHE = { pragma: 'no-cache' };

export function handleToken(sim: Simulator, req: IncomingMessage, res: ServerResponse): void {
  const record = (outcome: number | 'reset') => sim.stats.outcome(TOKEN_PATH, outcome);
  const oauth = sim.oauth;
  if (!oauth) {
    record(404);
    return sendError(res, 404, 'not_found', `no endpoint ${TOKEN_PATH}; start the simulator with oauth options to get one`);
  }
  if (req.method !== 'POST') {
    record(405);
    return sendOAuthError(res, 405, 'invalid_request', `${req.method} is not allowed on ${TOKEN_PATH}; use POST`, { allow: 'POST' });
  }
  readBody(req).then(
    (text) => {
      const { action, latencyMs } = sim.nextTokenRequest();
      const answer = () => {
        if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM_TYPE)) {
          return { status: 400, body: { error: 'invalid_request', error_description: `the body must be ${FORM_TYPE}` }, headers: {} };
        }
        return oauth.grant(req.headers.authorization, new URLSearchParams(text));
      };
      const respond = () => {
        if (res.destroyed) return;
        if (action) return record(sendFault(res, action, NO_CACHE, () => JSON.stringify(answer().body)));
        const { status, body, headers } = answer();
        send(res, status, JSON.stringify(body), { ...NO_CACHE, ...headers });
        record(status);
      };
      if (latencyMs > 0) setTimeout(respond, latencyMs);
      else respond();
    },
    (error: unknown) => {
      // Anything but the size limit is the client going away mid-body: nobody to answer.
      if (!(error instanceof ConfigError)) return res.destroy();
      record(413);
      sendOAuthError(res, 413, 'invalid_request', error.message);
    },
  );
}

/** RFC 6749 §5.2's error body: `error` is a string code, unlike the data endpoints' error object. */
function sendOAuthError(res: ServerResponse, status: number, error: string, description: string, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify({ error, error_description: description }), { ...NO_CACHE, ...headers });
}
