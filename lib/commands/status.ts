import { loadConfig, type LoadedConfig } from '../config/load';
import { wantedResources } from '../delivery/plan';
import { ExitCode } from '../errors';
import { groupView, pipelineStatus, type GroupView, type PipelineStatus } from '../fleet/status';
import { formatStatus } from '../fleet/status-table';
import { workUnits } from '../fleet/units';
import type { Logger } from '../observability/logger';
import { createKafka, kafkaFailure } from '../sink/kafka';
import type { ResourceState } from '../state/checkpoint';
import { loadStates } from '../state/store';
import { parseFlags, requireFlag } from './args';
import { commandLogger, OUTPUT_HELP, OUTPUT_OPTIONS } from './output';
import type { Command } from './types';

export const statusCommand: Command = {
  name: 'status',
  summary: 'per resource: last sync, cursor, run in progress, last run, and the instance running it',
  help: `Usage: rest2kafka status --config FILE [--json]

Reads the pipeline's state topic and its coordination group and prints, per resource: when
its last run completed, its committed cursor, a run in progress (page N of M when the API
gives a total) or interrupted, the records and dead letters of its last run, and the
instance (host:pid) that runs it, or "no instance running". Calls no API and publishes
nothing; needs only the Kafka settings of the config (source secrets may be absent).

Options:
  -c, --config FILE     pipeline file or bare dlt source config
      --json            the same facts as one JSON document on stdout, for scripts
${OUTPUT_HELP}
  -h, --help            show this help

Environment: KAFKA_BROKERS overrides kafka.brokers.

Exit codes: 0 ok, 2 config, 5 Kafka (unreachable, or a state record it cannot read).`,
  async run(argv, io) {
    const { values } = parseFlags('status', argv, { config: { type: 'string', short: 'c' }, json: { type: 'boolean' }, ...OUTPUT_OPTIONS });
    const logger = commandLogger('status', values, io);
    // The API is never called: a status must work where only the Kafka credentials are at hand.
    const loaded = await loadConfig(requireFlag('status', 'config', values.config), { env: io.env, resolveSourceSecrets: false });
    for (const warning of loaded.warnings) logger.warn(warning);
    const status = await readStatus(loaded, logger);
    io.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status, new Date()));
    return ExitCode.OK;
  },
};

/** The state topic (absent until a first run commits) and the group (absent with `coordination.mode: none`), read side by side. */
async function readStatus(loaded: LoadedConfig, log: Logger): Promise<PipelineStatus> {
  const { pipeline } = loaded;
  const { coordination } = pipeline;
  const stateTopic = pipeline.delivery.state_topic;
  const kafka = createKafka(pipeline.kafka, log);
  const admin = kafka.admin();
  try {
    await admin.connect();
    const readStates = async (): Promise<Map<string, ResourceState>> =>
      (await admin.listTopics()).includes(stateTopic) ? loadStates(kafka, stateTopic, pipeline.pipeline_name) : new Map();
    const readGroup = async (): Promise<GroupView | null> => {
      if (coordination.mode === 'none') return null;
      const { groups } = await admin.describeGroups([coordination.group_id]);
      return groupView(groups[0], coordination.topic, pipeline.kafka.client_id);
    };
    const [states, group] = await Promise.all([readStates(), readGroup()]);
    const units = workUnits(pipeline, loaded.resources, wantedResources(loaded.resources, []));
    return pipelineStatus({ pipeline: pipeline.pipeline_name, coordination, units, states, group });
  } catch (error) {
    throw kafkaFailure(error, `reading the status of pipeline ${pipeline.pipeline_name} (state topic ${stateTopic}, group ${coordination.group_id})`, pipeline.kafka);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
