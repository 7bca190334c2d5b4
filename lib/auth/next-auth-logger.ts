// next-auth's logger, routed to ours: one JSON line per event, no stack traces, nothing beyond the
// error's message. Its default prints a multi-line stack to stderr for every request that carries a
// forged or stale session cookie, which any anonymous client can repeat at will.
import type { LoggerInstance } from 'next-auth';
import type { Logger } from 'pino';

/** What a client causes by sending a cookie this console cannot read (stale after a secret change, forged). */
const CLIENT_CAUSED = new Set(['JWT_SESSION_ERROR']);
const MAX_MESSAGE = 300;

function messageOf(metadata: unknown): string {
  const err = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
  const text = err instanceof Error ? err.message : typeof metadata === 'string' ? metadata : '';
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

export function nextAuthLogger(log: Logger): Partial<LoggerInstance> {
  return {
    error(code, metadata) {
      const line = { event: 'auth.next_auth_error', code, err: messageOf(metadata) };
      if (CLIENT_CAUSED.has(code)) log.debug(line, 'unreadable session cookie ignored');
      else log.error(line, 'next-auth error');
    },
    warn(code) {
      log.warn({ event: 'auth.next_auth_warning', code }, 'next-auth warning');
    },
    debug() {},
  };
}
