/** Reading request bodies, bounded: the simulator is a test tool, not a target for memory exhaustion. */
import type { IncomingMessage } from 'node:http';
import { ConfigError } from '../errors';

const MAX_BODY = 1 << 20;

/** The whole body as UTF-8 text; throws {@link ConfigError} past 1 MiB. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ConfigError(`body: larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
