import { lastValueFrom, takeWhile, tap } from 'rxjs';
import { loadConfig } from '../config/load';
import { freshPlans } from '../extract/plans';
import { createHttpClient } from '../http/client';
import { createLogger } from '../observability/logger';
import { extract } from '../pipeline';
import { parseFlags, requireFlag } from './args';
import type { Command } from './types';

export const checkCommand: Command = {
  name: 'check',
  summary: 'validate the config, resolve secrets and fetch the first page of each resource',
  help: `Usage: rest2kafka check --config FILE

Validates the whole config (every error with its exact path), resolves every secret, then
fetches the first page of each selected resource and reports its HTTP status, how many
records it held and the fields of those records. Nothing is published.

Options:
  -c, --config FILE   pipeline file or bare dlt source config
  -h, --help          show this help

Exit codes: 0 ok, 2 config or missing secret, 3 source API, 4 credentials.`,
  async run(argv, io) {
    const { values } = parseFlags('check', argv, { config: { type: 'string', short: 'c' } });
    const logger = createLogger({ level: 'warn', format: 'pretty', stream: io.stderr });
    const loaded = await loadConfig(requireFlag('check', 'config', values.config), { env: io.env });
    io.stdout.write(`config ok: ${loaded.file} (${loaded.resources.length} resources)\n`);
    for (const warning of loaded.warnings) io.stdout.write(`warning: ${warning}\n`);
    const wanted = new Set(loaded.resources.filter((r) => r.selected).map((r) => r.name));
    const client = loaded.pipeline.source.client;
    const http = createHttpClient({ timeoutMs: client.timeout_ms ?? 60000 });
    const firstPages = new Map<string, { status: number; records: unknown[]; url: string }>();
    try {
      await lastValueFrom(
        extract({ client, resources: loaded.resources, wanted, http, plans: freshPlans(loaded.resources), maxPages: 1, signal: io.signal,
          onRetry: (resource, info) => logger.warn('retrying request', { resource, attempt: info.attempt, delay_ms: info.delayMs, error: info.error }) }).pipe(
          tap((event) => {
            if (event.kind === 'page' && !firstPages.has(event.page.resource)) firstPages.set(event.page.resource, event.page);
          }),
          takeWhile(() => firstPages.size < wanted.size),
        ),
        { defaultValue: null },
      );
    } finally {
      http.close();
    }
    for (const name of wanted) {
      const page = firstPages.get(name);
      if (!page) {
        io.stdout.write(`${name}: no page (a response action ignored the first response, or the parent had no records)\n`);
        continue;
      }
      const fields = new Set<string>();
      for (const r of page.records) if (r && typeof r === 'object') for (const k of Object.keys(r)) fields.add(k);
      io.stdout.write(`${name}: HTTP ${page.status}, ${page.records.length} records on the first page, fields: ${[...fields].join(', ') || '(none)'}\n`);
    }
    return 0;
  },
};
