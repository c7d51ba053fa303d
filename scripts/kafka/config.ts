import { randomBytes } from 'node:crypto';

/** Where a single-node broker listens and keeps its data. */
export interface ListenerSettings {
  port: number;
  controllerPort: number;
  dataDir: string;
}

/**
 * Settings that make one combined broker+controller usable and fast in tests
 * (/work/shared/reference/kafka.md §3.3): internal topics creatable on one node, no
 * rebalance delay, quick transaction-timeout sweeps, a cleaner that runs soon and fits a small heap,
 * and no auto-created topics, so a wrong topic name fails instead of silently creating one.
 */
export const TEST_FRIENDLY_SETTINGS: Readonly<Record<string, string>> = {
  'num.partitions': '1',
  'auto.create.topics.enable': 'false',
  'offsets.topic.replication.factor': '1',
  'offsets.topic.num.partitions': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'transaction.state.log.num.partitions': '1',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
  'group.initial.rebalance.delay.ms': '0',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000',
  'log.cleaner.backoff.ms': '500',
  'log.cleaner.dedupe.buffer.size': String(16 * 1024 * 1024),
  'num.network.threads': '2',
  'num.io.threads': '2',
};

/**
 * The server.properties text of a KRaft node that is its own single-voter controller quorum
 * (the dynamic-quorum style that `StorageTool format --standalone` expects). `extra` wins over
 * every default, listeners included.
 */
export function brokerProperties(listen: ListenerSettings, extra: Readonly<Record<string, string>> = {}): string {
  const controller = `127.0.0.1:${listen.controllerPort}`;
  const listeners = `PLAINTEXT://127.0.0.1:${listen.port},CONTROLLER://${controller}`;
  const settings: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.bootstrap.servers': controller,
    listeners,
    'advertised.listeners': listeners,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': listen.dataDir,
    ...TEST_FRIENDLY_SETTINGS,
    ...extra,
  };
  // Backslashes are escapes in .properties files; Windows paths would lose theirs.
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value.replace(/\\/g, '\\\\')}`)
    .join('\n')}\n`;
}

/**
 * Parses `KAFKA_EXTRA_CONFIG`: `key=value` pairs separated by commas. A piece without `=`
 * continues the previous value, so list values need no quoting:
 * `listeners=PLAINTEXT://a:1,CONTROLLER://a:2,num.partitions=3` is two settings.
 */
export function parseExtraConfig(text: string | undefined): Record<string, string> {
  const settings: Record<string, string> = {};
  let lastKey: string | null = null;
  for (const piece of (text ?? '').split(',').map((p) => p.trim())) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    if (eq > 0) {
      lastKey = piece.slice(0, eq).trim();
      settings[lastKey] = piece.slice(eq + 1).trim();
    } else if (lastKey !== null) {
      settings[lastKey] += `,${piece}`;
    } else {
      throw new Error(`KAFKA_EXTRA_CONFIG: "${piece}" is not key=value`);
    }
  }
  return settings;
}

/**
 * A new KRaft cluster id: 16 random bytes, URL-safe base64 without padding. Ids starting with
 * `-` are drawn again, as Kafka's own generator does, so no command line mistakes one for a flag.
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The `cluster.id` of a formatted log dir's meta.properties text, or null. */
export function clusterIdOf(metaProperties: string): string | null {
  return /^cluster\.id=(.+)$/m.exec(metaProperties)?.[1].trim() ?? null;
}
