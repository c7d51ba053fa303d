import { lastValueFrom, tap } from 'rxjs';
import { loadConfig } from '../config/load';
import { selectedResources } from '../config/selected';
import { freshPlans } from '../extract/plans';
import { compileKey, type KeyOf } from '../keying/primary-key';
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
    const wanted = new Set(selectedResources(resources, values.resource ?? []).map((r) => r.name));
    const keys = new Map(resources.map((r) => [r.name, compileKey(r.primaryKey)]));
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
            // Every page is of a resource of this config, so the lookup always finds its key.
            const keyOf = keys.get(event.page.resource)!;
            let out = '';
            for (const record of event.page.records) out += previewLine(event.page.resource, keyOf, record);
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

/**
 * One output line. `key` is the Kafka key the record is published under (the sink's
 * {@link compileKey}), or null where a run dead-letters the record for having none. A compound
 * key's text is a JSON array and is embedded as that array, so the line stays one JSON document
 * and its key reads exactly as the Kafka key does.
 */
function previewLine(resource: string, keyOf: KeyOf, record: unknown): string {
  const key = keyOf(record);
  const keyJson = key !== null && keyOf.fields.length > 1 ? key : JSON.stringify(key);
  return `{"resource":${JSON.stringify(resource)},"key":${keyJson},"value":${JSON.stringify(record)}}\n`;
}
