import { lastValueFrom, takeWhile, tap } from 'rxjs';
import { loadConfig } from '../config/load';
import { freshPlans } from '../extract/plans';
import { extract, extractionHttpClient } from '../pipeline';
import { parseFlags, requireFlag } from './args';
import { checkKafka } from './check-kafka';
import { commandLogger, OUTPUT_HELP, OUTPUT_OPTIONS } from './output';
import type { Command } from './types';

export const checkCommand: Command = {
  name: 'check',
  summary: 'validate the config, resolve secrets, fetch the first page of each resource and check Kafka',
  help: `Usage: rest2kafka check --config FILE [--skip-kafka]

Validates the whole config (every error with its exact path), resolves every secret, then
fetches the first page of each selected resource and reports its HTTP status, how many
records it held and the fields of those records. Then Kafka, as a run would find it: the
brokers answer, and every topic the run writes either exists with the cleanup policy it
needs (compact for merge and replace, delete for append) or is reported as one a run will
create; an existing topic that holds another pipeline's records gets a warning. Nothing is
created or published. The report goes to stdout once everything has answered; warnings and
retries are logged on stderr. A request is retried once, after at most 1 s, and a broker
that is down is reported after 3 attempts (a run follows the config's retry policies).

Options:
  -c, --config FILE     pipeline file or bare dlt source config
      --skip-kafka      check the config and the API only
${OUTPUT_HELP}
  -h, --help            show this help

Exit codes: 0 ok, 2 config or missing secret, 3 source API, 4 credentials, 5 Kafka
(unreachable, a topic with the wrong cleanup policy).`,
  async run(argv, io) {
    const { values } = parseFlags('check', argv, { config: { type: 'string', short: 'c' }, 'skip-kafka': { type: 'boolean' }, ...OUTPUT_OPTIONS });
    const logger = commandLogger('check', values, io);
    const loaded = await loadConfig(requireFlag('check', 'config', values.config), { env: io.env });
    for (const warning of loaded.warnings) logger.warn(warning);
    const wanted = new Set(loaded.resources.filter((r) => r.selected).map((r) => r.name));
    // A check is a quick loop: an unreachable API should not wait out the run's 2/4/8 s backoff.
    const client = { ...loaded.pipeline.source.client, max_retries: 1, backoff_factor: 1, max_retry_delay_ms: 1000 };
    const http = extractionHttpClient(client);
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
    const kafka = values['skip-kafka'] ? ['kafka: not checked (--skip-kafka)'] : await checkKafka(loaded, logger);
    // Only now: some config mistakes (a base_url without a scheme) surface with the first request.
    const count = loaded.resources.length;
    io.stdout.write(`config ok: ${loaded.file} (${count} ${count === 1 ? 'resource' : 'resources'})\n`);
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
    for (const line of kafka) io.stdout.write(`${line}\n`);
    return 0;
  },
};
