/**
 * The HTTP front of a {@link Simulator}: `/v1/*` is the API, `/oauth/token` its token endpoint
 * (with `oauth` options), `/_sim/*` the control endpoints.
 */
import { createServer, type Server } from 'node:http';
import { handleControl } from './control-endpoints';
import { handleData } from './data-endpoints';
import { TOKEN_PATH } from './oauth';
import { sendError } from './respond';
import { handleToken } from './token-endpoint';
import type { Simulator } from './simulator';

export function createSimulatorServer(sim: Simulator): Server {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const search = q === -1 ? '' : url.slice(q + 1);
    if (path.startsWith('/v1/')) return handleData(sim, req, res, path, search);
    if (path.startsWith('/_sim/')) return handleControl(sim, req, res, path);
    if (path === TOKEN_PATH) return handleToken(sim, req, res);
    sendError(res, 404, 'not_found', `no endpoint ${path}`);
  });
  // Benchmarks hold keep-alive connections across pauses; Node's 5 s default would drop them.
  server.keepAliveTimeout = 60_000;
  return server;
}
