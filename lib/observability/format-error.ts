/** How an error that ends a command is printed: redacted, with its cause chain. */
import { Rest2KafkaError } from '../errors';
import { redact, redactError } from '../secrets/redact';

/** One redacted paragraph: what failed, where, and (from the message) how to fix it. */
export function formatError(error: unknown): string {
  if (error instanceof Rest2KafkaError) {
    redactError(error);
    const lines = [`error [${error.code}]: ${error.message}`];
    for (let cause = error.cause, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
      redactError(cause);
      if (!error.message.includes(cause.message)) lines.push(`  caused by: ${cause.message}`);
    }
    return redact(lines.join('\n'));
  }
  if (error instanceof Error) {
    redactError(error);
    return redact(`internal error: ${error.stack ?? error.message}\nThis is a bug in rest2kafka; please report it.`);
  }
  return redact(`internal error: ${String(error)}`);
}
