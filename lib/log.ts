// Structured JSON logs (pino). Never log Redis URLs unredacted or secrets.
import pino from 'pino';

/** What no log line shows, in the console's and the workers' logs alike. */
export const LOG_REDACTION = { paths: ['password', '*.password', 'token', '*.token', 'url', '*.url', 'secret', '*.secret'], censor: '[redacted]' };

export const logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  base: { service: process.env.DROVER_SERVICE || 'drover-console' },
  redact: LOG_REDACTION,
});
