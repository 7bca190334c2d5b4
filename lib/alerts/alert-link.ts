// The link back to the console that every alert notification carries: DROVER_PUBLIC_URL (else
// NEXTAUTH_URL, else http://localhost:$PORT) plus the most exact page for the alert's target.
import type { AlertKind } from './rule';

export function publicBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.DROVER_PUBLIC_URL || env.NEXTAUTH_URL || `http://localhost:${env.PORT || 3000}`;
  return base.replace(/\/+$/, '');
}

const seg = encodeURIComponent;

/** The page of the alert's target: the queue, the schedule, the dead-letter queue, or the overview. */
export function alertLink(kind: AlertKind, e: { connection: string | null; queue: string | null; target?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const base = publicBaseUrl(env);
  if (!e.connection) return `${base}/`;
  if (kind === 'dlq-growth') return `${base}/dlq/${seg(e.connection)}`;
  if (kind === 'redis-unreachable') return `${base}/`;
  // The circuits are listed on the Busy page, per connection.
  if (kind === 'circuit-open') return `${base}/busy?conn=${seg(e.connection)}`;
  if ((kind === 'schedule-missed' || kind === 'schedule-late') && e.queue && e.target) {
    const prefix = `${e.connection}/${e.queue}/`;
    const id = e.target.startsWith(prefix) ? e.target.slice(prefix.length) : '';
    if (id) return `${base}/schedules?queue=${seg(`${e.connection}/${e.queue}`)}&id=${seg(id)}`;
  }
  if (e.queue) return `${base}/connections/${seg(e.connection)}/queues/${seg(e.queue)}`;
  return `${base}/`;
}
