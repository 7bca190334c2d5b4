// Structured JSON logs (pino). Never log Redis URLs unredacted or secrets.
import pino from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  base: { service: process.env.DROVER_SERVICE || 'drover-console' },
  redact: { paths: ['password', '*.password', 'token', '*.token', 'url', '*.url', 'secret', '*.secret'], censor: '[redacted]' },
});
