import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lastValueFrom, takeWhile, tap } from 'rxjs';
import { loadConfig } from '../config/load';
import { ConfigError, ResponseError } from '../errors';
import { freshPlans } from '../extract/plans';
import { extract, extractionHttpClient } from '../pipeline';
import { formatSchema, inferSchema } from '../validation/infer';
import { compileSchema } from '../validation/schemas';
import { intFlag, parseFlags, requireFlag } from './args';
import { commandLogger, OUTPUT_HELP, OUTPUT_OPTIONS } from './output';
import type { Command } from './types';

export const schemaCommand: Command = {
  name: 'schema',
  summary: "infer a resource's Avro schema from its first pages, for review",
  help: `Usage: rest2kafka schema --config FILE --resource NAME [--pages N] [--out FILE] [--force]

Fetches the first pages of a resource (default 5), infers an Avro schema from their records
(fields seen null or missing become ["null", T] with default null) and prints it as .avsc.
Review it — an inferred schema only knows the samples it saw — and commit it as
<schemas_dir>/<resource>.avsc: from then on records are validated against it, invalid ones
go to the dead-letter topic, and value_format: avro can use it.

Options:
  -c, --config FILE     pipeline file or bare dlt source config
  -r, --resource NAME   the resource to sample
  -n, --pages N         pages to sample (default 5)
  -o, --out FILE        write the schema to FILE instead of stdout (refuses to overwrite)
      --force           overwrite FILE
${OUTPUT_HELP}
  -h, --help            show this help

Exit codes: 0 ok, 2 config or usage, 3 source API (or no records to infer from), 4 credentials.`,
  async run(argv, io) {
    const { values } = parseFlags('schema', argv, {
      config: { type: 'string', short: 'c' },
      resource: { type: 'string', short: 'r' },
      pages: { type: 'string', short: 'n' },
      out: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      ...OUTPUT_OPTIONS,
    });
    const logger = commandLogger('schema', values, io);
    const pages = intFlag('schema', 'pages', values.pages) ?? 5;
    const loaded = await loadConfig(requireFlag('schema', 'config', values.config), { env: io.env });
    const name = requireFlag('schema', 'resource', values.resource);
    if (!loaded.resources.some((r) => r.name === name)) {
      throw new ConfigError(`schema: no resource "${name}"; the config defines: ${loaded.resources.map((r) => r.name).join(', ')}`, { code: 'USAGE' });
    }
    // Before sampling: a mistake in --out should not cost the pages fetched first.
    if (values.out) checkOut(values.out, name, values.force ?? false);
    const client = loaded.pipeline.source.client;
    const http = extractionHttpClient(client);
    const samples: unknown[] = [];
    let seen = 0;
    try {
      await lastValueFrom(
        extract({ client, resources: loaded.resources, wanted: new Set([name]), http, plans: freshPlans(loaded.resources), maxPages: pages, signal: io.signal }).pipe(
          tap((event) => {
            if (event.kind !== 'page') return;
            seen += 1;
            samples.push(...event.page.records);
          }),
          takeWhile(() => seen < pages),
        ),
        { defaultValue: null },
      );
    } finally {
      http.close();
    }
    if (!samples.some((r) => r !== null && typeof r === 'object')) {
      throw new ResponseError(`schema: resource "${name}" returned no records in its first ${pages} page(s); there is nothing to infer a schema from`, { context: { resource: name } });
    }
    const schema = inferSchema(samples, name);
    // Compiling proves the inferred schema is one rest2kafka will accept from schemas_dir.
    compileSchema(name, schema, `inferred from ${samples.length} records`);
    const text = formatSchema(schema);
    if (values.out) {
      writeFileSync(values.out, text.endsWith('\n') ? text : `${text}\n`);
      logger.info(`wrote ${values.out}; review it, then keep it as ${name}.avsc in delivery.schemas_dir`, { records: samples.length, pages: seen });
    } else {
      io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
    return 0;
  },
};

/** Usage errors for an --out the schema could not be written to (exit 2, one line). */
function checkOut(out: string, resource: string, force: boolean): void {
  const dir = dirname(out);
  const folder = statSync(dir, { throwIfNoEntry: false });
  if (!folder?.isDirectory()) throw new ConfigError(`schema: --out ${out}: the folder ${dir} does not exist; create it first`, { code: 'USAGE' });
  const file = statSync(out, { throwIfNoEntry: false });
  if (file?.isDirectory()) throw new ConfigError(`schema: --out ${out} is a folder; name a file, such as ${join(out, `${resource}.avsc`)}`, { code: 'USAGE' });
  if (file && !force) throw new ConfigError(`schema: ${out} exists; pass --force to overwrite it`, { code: 'USAGE' });
  try {
    accessSync(file ? out : dir, constants.W_OK);
  } catch {
    throw new ConfigError(`schema: --out ${out}: no permission to write ${file ? 'the file' : `in ${dir}`}`, { code: 'USAGE' });
  }
}
