// Which external destination a bundled job talks to, for its circuit breaker (workers/runtime/circuit-
// breaker.ts): a webhook's receiver and an image's http(s) source host ("http://host:port"), the SMTP
// server of SMTP_URL ("smtp://host:port"). Read from the raw job data before the schema check: data that
// does not name one is not held back (the run then fails on its own).
import { DESTINATION_MAX } from '@/lib/circuits/circuit';
import { WEBHOOK_TIMEOUT_MAX_MS } from '@/lib/job-kinds/webhook';

export type Destination = {
  /** The circuit's name, shared by every queue and worker process of the connection. */
  name: string;
  /** How long a half-open probe is held for this job before another job may probe (its timeout + 5 s). */
  probeLeaseMs: number;
};

export type DestinationOf = (data: unknown) => Destination | null;

const PROBE_SLACK_MS = 5_000;

/** "http(s)://host:port" of a URL, the port always written; null for other schemes or no URL. */
export function httpDestination(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const name = `${url.protocol}//${url.hostname.toLowerCase()}:${port}`;
  return name.length <= DESTINATION_MAX ? name : null;
}

function field(data: unknown, name: string): unknown {
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[name] : undefined;
}

export function webhookDestination(defaultTimeoutMs: number): DestinationOf {
  return (data) => {
    const name = httpDestination(field(data, 'url'));
    if (!name) return null;
    // Raw data, not yet checked by the schema: a huge timeoutMs must not hold the probe (and every job
    // waiting on it) for longer than any valid webhook could run.
    const timeout = field(data, 'timeoutMs');
    const timeoutMs = typeof timeout === 'number' && timeout > 0 ? Math.min(timeout, WEBHOOK_TIMEOUT_MAX_MS) : defaultTimeoutMs;
    return { name, probeLeaseMs: timeoutMs + PROBE_SLACK_MS };
  };
}

export function imageDestination(fetchTimeoutMs: number): DestinationOf {
  return (data) => {
    const name = httpDestination(field(data, 'source'));
    return name ? { name, probeLeaseMs: fetchTimeoutMs + PROBE_SLACK_MS } : null;
  };
}

/** Every email goes to the one SMTP server (none when mail goes to the outbox). */
export function smtpDestination(smtpUrl: string | undefined, sendTimeoutMs: number): DestinationOf | undefined {
  if (!smtpUrl) return undefined;
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return undefined;
  }
  const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
  // Host and port only: SMTP_URL carries the password.
  const destination: Destination = { name: `smtp://${url.hostname.toLowerCase()}:${port}`, probeLeaseMs: sendTimeoutMs + PROBE_SLACK_MS };
  return () => destination;
}
