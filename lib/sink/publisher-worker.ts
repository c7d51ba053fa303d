/**
 * The publisher thread's entry point (see publisher-thread.ts): one kafkajs producer, fed
 * packed pages, answering each request once its records are durable. Logs go to the calling
 * thread, whose logger redacts and formats them like every other line.
 */
import '../preload';
import { parentPort, workerData } from 'node:worker_threads';
import type { LogFields, Logger, LogLevel } from '../observability/logger';
import { createKafka } from './kafka';
import { createPublisher, type KafkaPublisher } from './publish';
import { transferError, type FromPublisherThread, type PublisherThreadData, type ToPublisherThread } from './publisher-thread';

const port = parentPort!;
const post = (message: FromPublisherThread) => port.postMessage(message);

function forwardingLogger(bound: LogFields): Logger {
  const write = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => post({ type: 'log', level, message, fields: { ...bound, ...fields } });
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (fields) => forwardingLogger({ ...bound, ...fields }) };
}

async function serve({ kafka, publisher: settings }: PublisherThreadData): Promise<void> {
  let publisher: KafkaPublisher;
  try {
    publisher = await createPublisher(createKafka(kafka, forwardingLogger({})), { ...settings, kafka, logger: forwardingLogger({ thread: 'publisher' }) });
  } catch (error) {
    post({ type: 'failed', id: null, error: transferError(error) });
    return;
  }
  post({ type: 'ready' });
  // The calling thread awaits each publish before the next, so requests never overlap.
  port.on('message', (request: ToPublisherThread) => {
    const work = request.type === 'publish' ? publisher.publish(request.data, request.state) : publisher.close();
    work.then(
      // postMessage clones the offsets: no copy needed here.
      () => post({ type: 'done', id: request.id, written: request.type === 'publish' ? publisher.allWritten() : new Map() }),
      (error: unknown) => post({ type: 'failed', id: request.id, error: transferError(error) }),
    );
  });
}

void serve(workerData as PublisherThreadData);
