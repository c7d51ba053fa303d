/**
 * Dead-letter records: every record that cannot be published as data goes here with the
 * reason, so nothing is dropped silently. The value is JSON a person can read; headers let
 * tooling filter by resource, run and reason without parsing it. Everything is redacted.
 */
import { redact, redactValue } from '../secrets/redact';
import type { OutgoingMessage } from './message-pack';

export interface DeadLetter {
  resource: string;
  runId: string;
  page: number;
  /** Redacted URL of the page the record came from. */
  url: string;
  key: string | null;
  reason: string;
  paths: readonly string[];
  record: unknown;
}

const HEADER_REASON_CHARS = 500;

export function deadLetterMessage(topic: string, letter: DeadLetter, timestamp: string): OutgoingMessage {
  const reason = redact(letter.reason);
  const value = {
    resource: letter.resource,
    run_id: letter.runId,
    page: letter.page,
    url: redact(letter.url),
    key: letter.key,
    reason,
    paths: letter.paths,
  };
  return {
    topic,
    key: letter.key,
    value: Buffer.from(serialise(value, letter.record)),
    timestamp,
    headers: {
      'content-type': 'application/json',
      'r2k-resource': letter.resource,
      'r2k-run-id': letter.runId,
      'r2k-page': String(letter.page),
      'r2k-reason': reason.length > HEADER_REASON_CHARS ? `${reason.slice(0, HEADER_REASON_CHARS)}…` : reason,
    },
  };
}

/**
 * The dead letter as JSON, record included. redactValue and JSON.stringify both recurse, so a
 * record nested thousands of levels deep (an API bug, or a hostile body) overflows the stack:
 * that letter keeps its reason and key, and says why the record itself is left out.
 */
function serialise(value: Record<string, unknown>, record: unknown): string {
  try {
    return JSON.stringify({ ...value, record: redactValue(record) });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return JSON.stringify({ ...value, record: null, record_omitted: `the record cannot be serialised as JSON (${error.message}); it is nested too deeply` });
  }
}
