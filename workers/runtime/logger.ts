// JSON logs of worker processes (pino), same redaction as the console's logger.
import pino, { type Logger } from 'pino';
import { LOG_REDACTION } from '@/lib/log';

export function createWorkerLogger(bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream, level = process.env.LOG_LEVEL || 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'drover-workers', ...bindings },
      redact: LOG_REDACTION,
    },
    destination,
  );
}
