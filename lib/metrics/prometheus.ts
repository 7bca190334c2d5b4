// The Prometheus exposition for GET /api/metrics: a fresh prom-client Registry per scrape (never the
// global default one), filled from a live snapshot of every connection.
import 'server-only';
import { Gauge, Registry } from 'prom-client';
import { listConnections } from '@/lib/redis/connections';
import { JOB_STATES } from '@/lib/jobs/job-states';
import { collectSnapshot } from './snapshot';
import type { QueueFilter } from '@/lib/auth/queue-filter';

export type PrometheusExport = { contentType: string; body: string };

/**
 * With `filter` (an API token with grants, README › Team scopes): only the connections it reaches and
 * the queues it may see; the dead-letter count, which sums every origin queue, is left out.
 */
export async function renderPrometheusMetrics(now = Date.now(), filter?: QueueFilter): Promise<PrometheusExport> {
  const scoped = filter && !filter.everything ? filter : undefined;
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const queueLabels = ['connection', 'queue'] as const;
  const jobs = gauge('drover_queue_jobs', 'Jobs in the queue by state (waiting excludes prioritized, which has its own state).', ['connection', 'queue', 'state']);
  const paused = gauge('drover_queue_paused', '1 when the queue is paused, else 0.', queueLabels);
  const workers = gauge('drover_queue_workers', 'Workers connected to the queue (from CLIENT LIST).', queueLabels);
  const completed = gauge('drover_queue_completed_last_minute', 'Jobs completed in about the last 60 s, from BullMQ per-minute metrics (0 unless workers record metrics).', queueLabels);
  const failed = gauge('drover_queue_failed_last_minute', 'Jobs failed in about the last 60 s, from BullMQ per-minute metrics (0 unless workers record metrics).', queueLabels);
  const recorded = gauge('drover_queue_metrics_recorded', '1 when a worker records BullMQ metrics for the queue, so the *_last_minute series are meaningful.', queueLabels);
  const oldest = gauge('drover_queue_oldest_waiting_seconds', 'Age of the oldest waiting job in seconds; 0 when no job waits.', queueLabels);
  const deadLetters = gauge('drover_dead_letter_jobs', "Jobs in the connection's dead-letter queue (every state).", ['connection']);
  const up = gauge('drover_redis_up', '1 when the connection answered, else 0.', ['connection']);
  const memory = gauge('drover_redis_used_memory_bytes', 'used_memory of the Redis server (INFO memory).', ['connection']);

  const connections = listConnections();
  const [snapshot, infos] = await Promise.all([
    collectSnapshot(now),
    Promise.all(connections.map((c) => c.store.serverInfo(false).catch(() => null))),
  ]);
  snapshot.connections.forEach((c, i) => {
    if (scoped && !scoped.connection(c.name)) return;
    up.set({ connection: c.name }, c.up ? 1 : 0);
    const info = infos[i];
    if (c.up && info) memory.set({ connection: c.name }, info.usedMemory);
    if (c.deadLetterJobs !== null && !scoped) deadLetters.set({ connection: c.name }, c.deadLetterJobs);
    for (const q of c.queues) {
      if (!q.exists || (scoped && !scoped.queue(c.name, q.name))) continue;
      const labels = { connection: c.name, queue: q.name };
      for (const state of JOB_STATES) jobs.set({ ...labels, state }, q.counts[state]);
      paused.set(labels, q.paused ? 1 : 0);
      workers.set(labels, q.workers);
      completed.set(labels, q.completed.lastMinute);
      failed.set(labels, q.failed.lastMinute);
      recorded.set(labels, q.metricsRecorded ? 1 : 0);
      oldest.set(labels, q.oldestWaitingAt ? Math.max(0, (now - q.oldestWaitingAt) / 1000) : 0);
    }
  });
  return { contentType: registry.contentType, body: await registry.metrics() };
}
