import { lastValueFrom, tap } from 'rxjs';
import { loadConfig } from '../config/load';
import { ConfigError } from '../errors';
import { freshPlans } from '../extract/plans';
import { extract, extractionHttpClient } from '../pipeline';
import { intFlag, parseFlags, requireFlag } from './args';
import { commandLogger, OUTPUT_HELP, OUTPUT_OPTIONS } from './output';
import type { Command } from './types';

export const previewCommand: Command = {
  name: 'preview',
  summary: 'extract only (no Kafka) and print one JSON line per record',
  help: `Usage: rest2kafka preview --config FILE [--resource NAME]... [--max-pages N]

Runs extraction exactly as "run" would — auth, pagination, data selector, processing steps,
incremental filter from the initial value — and prints each record on stdout as
  {"resource": "<name>", "key": <primary key value(s) or null>, "value": <record>}
Logs go to stderr. Nothing is published and no state is read or written.

Options:
  -c, --config FILE     pipeline file or bare dlt source config
  -r, --resource NAME   only this resource (repeatable)
  -n, --max-pages N     stop each request chain after N pages
${OUTPUT_HELP}
  -h, --help            show this help

Exit codes: 0 ok, 2 config, 3 source API, 4 credentials, 130 interrupted.`,
  async run(argv, io) {
    const { values } = parseFlags('preview', argv, {
      config: { type: 'string', short: 'c' },
      resource: { type: 'string', short: 'r', multiple: true },
      'max-pages': { type: 'string', short: 'n' },
      ...OUTPUT_OPTIONS,
    });
    const maxPages = intFlag('preview', 'max-pages', values['max-pages']);
    const logger = commandLogger('preview', values, io);
    const loaded = await loadConfig(requireFlag('preview', 'config', values.config), { env: io.env });
    for (const warning of loaded.warnings) logger.warn(warning);
    const { resources } = loaded;
    const only = values.resource ?? [];
    for (const name of only) {
      if (!resources.some((r) => r.name === name)) throw new ConfigError(`--resource ${name}: no such resource; the config defines: ${resources.map((r) => r.name).join(', ')}`, { code: 'USAGE' });
    }
    const wanted = new Set(resources.filter((r) => (only.length ? only.includes(r.name) : r.selected)).map((r) => r.name));
    const keyFields = new Map(resources.map((r) => [r.name, r.primaryKey]));
    const client = loaded.pipeline.source.client;
    const http = extractionHttpClient(client);
    try {
      await lastValueFrom(
        extract({
          client,
          resources,
          wanted,
          http,
          plans: freshPlans(resources),
          signal: io.signal,
          maxPages,
          onRetry: (resource, info) => logger.warn('retrying request', { resource, attempt: info.attempt, delay_ms: info.delayMs, error: info.error }),
        }).pipe(
          tap((event) => {
            if (event.kind !== 'page') return;
            const fields = keyFields.get(event.page.resource) ?? [];
            let out = '';
            for (const record of event.page.records) {
              const r = record as Record<string, unknown>;
              const key = fields.length === 0 ? null : fields.length === 1 ? (r[fields[0]] ?? null) : fields.map((f) => r[f] ?? null);
              out += `${JSON.stringify({ resource: event.page.resource, key, value: record })}\n`;
            }
            io.stdout.write(out);
          }),
        ),
        { defaultValue: null },
      );
    } finally {
      http.close();
    }
    return 0;
  },
};
