/**
 * The publisher on a thread of its own: kafkajs (record batches, CRC32C, the socket) runs in a
 * worker thread while the calling thread fetches, parses, validates and encodes the next pages.
 * A run at API latency 0 is CPU-bound, and the profile splits its CPU about evenly between those
 * two halves, so on two or more cores they overlap instead of taking turns.
 *
 * The contract is the {@link Publisher} one, unchanged: `publish` resolves once the batch is
 * durable, one batch at a time. Records cross as packed pages whose buffers are transferred
 * (message-pack.ts); the worker's failures arrive already worded by `kafkaFailure` and are
 * rebuilt here as the same error classes, so exit codes and messages do not change.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Kafka } from 'kafkajs';
import type { ResolvedKafkaConfig } from '../config/types';
import { FencedError, KafkaError, Rest2KafkaError } from '../errors';
import type { LogFields, Logger, LogLevel } from '../observability/logger';
import { transferables, type PackedMessages } from './message-pack';
import { createPublisher, type Publisher, type PublisherOptions } from './publish';

/** The publisher's options besides the Kafka config, which {@link openPublisher} takes whole. */
export type PublisherSettings = Omit<PublisherOptions, 'kafka'>;

/** What the worker is started with. */
export interface PublisherThreadData {
  kafka: ResolvedKafkaConfig;
  publisher: PublisherSettings;
}

/** Calling thread → worker. */
export type ToPublisherThread = { type: 'publish'; id: number; data: PackedMessages[]; state: PackedMessages[] } | { type: 'close'; id: number };

/** Worker → calling thread. */
export type FromPublisherThread =
  | { type: 'ready' }
  | { type: 'done'; id: number; written: ReadonlyMap<string, ReadonlyMap<number, bigint>> }
  | { type: 'failed'; id: number | null; error: TransferredError }
  | { type: 'log'; level: Exclude<LogLevel, 'silent'>; message: string; fields: LogFields };

/** An error as it crosses threads: structured cloning keeps neither the class nor our fields. */
export interface TransferredError {
  /** Everything kafkaFailure words is a FencedError or a KafkaError. */
  kind: 'fenced' | 'kafka' | 'other';
  message: string;
  code?: string;
  retriable?: boolean;
  stack?: string;
}

export function transferError(error: unknown): TransferredError {
  if (error instanceof Rest2KafkaError) {
    return { kind: error instanceof FencedError ? 'fenced' : 'kafka', message: error.message, code: error.code, retriable: error.retriable };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined };
}

/** The error {@link transferError} described, as this thread throws it. */
export function reviveError(e: TransferredError): Error {
  if (e.kind === 'fenced') return new FencedError(e.message);
  if (e.kind === 'kafka') return new KafkaError(e.message, { code: e.code, retriable: e.retriable });
  const error = new Error(`publisher thread: ${e.message}`);
  if (e.stack) error.stack = `${error.stack}\n  in the publisher thread: ${e.stack}`;
  return error;
}

/**
 * Starts the worker and resolves once its producer is connected (and, when transactional, has
 * fenced older instances) — the same point at which {@link createPublisher} resolves.
 *
 * @example const publisher = await startPublisherThread(pipeline.kafka, { transactional: true, ... }, log)
 */
export async function startPublisherThread(kafka: ResolvedKafkaConfig, settings: PublisherSettings, logger: Logger): Promise<Publisher> {
  const publisher = new ThreadPublisher(spawn({ kafka, publisher: settings }), logger);
  try {
    await publisher.ready;
  } catch (error) {
    await publisher.close();
    throw error;
  }
  return publisher;
}

/**
 * The run's publisher: on its own thread, or on this one with `R2K_PUBLISHER_THREAD=0` (to
 * compare the two, or where threads are unwelcome).
 */
export function openPublisher(client: Kafka, kafka: ResolvedKafkaConfig, settings: PublisherSettings, logger: Logger): Promise<Publisher> {
  const onThread = process.env.R2K_PUBLISHER_THREAD !== '0';
  logger.debug(onThread ? 'publishing from a worker thread' : 'publishing from the main thread (R2K_PUBLISHER_THREAD=0)');
  return onThread ? startPublisherThread(kafka, settings, logger) : createPublisher(client, { ...settings, kafka, logger });
}

function spawn(workerData: PublisherThreadData): Worker {
  // Built: the compiled worker beside this file. From the TypeScript sources (the test runner
  // loads them through ts-jest, which does not reach worker threads): compiled by jiti, as the
  // config loader compiles TypeScript configs.
  // The worker allocates fast (kafkajs builds every record batch from small pieces), so its
  // young generation sets how much of its CPU goes to GC. Measured at 1,000,000 records
  // (bench pipeline-0ms, two runs each): 16 MB 26–33k records/s at 214 MB peak RSS; 32 MB
  // 36–38k at 237 MB; V8's default 32–41k at 235–248 MB.
  const resourceLimits = { maxYoungGenerationSizeMb: 32 };
  if (__filename.endsWith('.js')) return new Worker(path.join(__dirname, 'publisher-worker.js'), { workerData, resourceLimits });
  const source = `require(${JSON.stringify(require.resolve('jiti'))}).createJiti(${JSON.stringify(__filename)}).import(${JSON.stringify(path.join(__dirname, 'publisher-worker.ts'))})`;
  return new Worker(source, { eval: true, workerData, resourceLimits });
}

class ThreadPublisher implements Publisher {
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private readonly lastBatch = new Map<string, ReadonlyMap<number, bigint>>();
  private nextId = 1;
  /** Set once the worker is gone: every later call fails with it. */
  private gone: Error | null = null;

  constructor(
    private readonly worker: Worker,
    logger: Logger,
  ) {
    this.ready = new Promise((resolve, reject) => this.pending.set(0, { resolve, reject }));
    worker.on('message', (message: FromPublisherThread) => {
      if (message.type === 'log') logger[message.level](message.message, message.fields);
      else if (message.type === 'ready') this.settle(0);
      else if (message.type === 'done') {
        for (const [topic, partitions] of message.written) this.lastBatch.set(topic, partitions);
        this.settle(message.id);
      } else this.settle(message.id ?? 0, reviveError(message.error));
    });
    worker.on('error', (error) => this.fail(new Error(`publisher thread crashed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`publisher thread exited (code ${code}) with requests outstanding`)));
  }

  publish(data: readonly PackedMessages[], state: readonly PackedMessages[]): Promise<void> {
    return this.request({ type: 'publish', id: this.nextId++, data: [...data], state: [...state] }, [...data, ...state].flatMap(transferables));
  }

  written(topic: string): ReadonlyMap<number, bigint> {
    return this.lastBatch.get(topic) ?? new Map();
  }

  async close(): Promise<void> {
    if (!this.gone) await this.request({ type: 'close', id: this.nextId++ }).catch(() => undefined);
    await this.worker.terminate();
  }

  private request(message: ToPublisherThread, transfer: ArrayBuffer[] = []): Promise<void> {
    if (this.gone) return Promise.reject(this.gone);
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  private settle(id: number, error?: Error): void {
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    if (error) waiter?.reject(error);
    else waiter?.resolve();
  }

  private fail(error: Error): void {
    this.gone ??= error;
    for (const id of [...this.pending.keys()]) this.settle(id, this.gone);
  }
}
