// Other BullMQ workers of one connection as the Busy view lists them, from CLIENT LIST's workers per
// queue: one entry per worker name, one per queue for unnamed workers.
import 'server-only';
import type { WorkerInfo } from '@/lib/queues/workers-by-queue';
import { busyTime } from './busy-record';
import { isDroverWorkerName } from './worker-name';
import { BUSY_LIMITS, type BusyProcess } from './busy-schemas';

/**
 * Every group (not capped: the caller lists some and counts all), by name then first queue; each with
 * at most BUSY_LIMITS.queuesPerProcess queues and addressesPerProcess addresses (by name), and totals.
 * Sets while grouping: a connection may carry thousands of queues × many clients.
 */
/** A name like a Drover runtime's reaching here has no live heartbeat (the caller skips those that beat): noHeartbeat. */
export function groupOtherWorkers(byQueue: Map<string, WorkerInfo[]>, skip: (name: string) => boolean, now = Date.now()): BusyProcess[] {
  const groups = new Map<string, { process: BusyProcess; queues: Set<string>; addresses: Set<string> }>();
  for (const [queue, workers] of byQueue) {
    for (const worker of workers) {
      if (skip(worker.name)) continue;
      const unnamed = worker.name === '(unnamed)';
      const key = unnamed ? `bullmq:(unnamed):${queue}` : `bullmq:${worker.name}`;
      let group = groups.get(key);
      if (!group) {
        const process: BusyProcess = { kind: 'bullmq', key, name: worker.name, noHeartbeat: isDroverWorkerName(worker.name), host: null, pid: null, startedAt: null, beatAt: null, queues: [], queuesTotal: 0, concurrency: null, addresses: [], addressesTotal: 0, jobs: [], jobsTotal: 0, partial: false };
        group = { process, queues: new Set(), addresses: new Set() };
        groups.set(key, group);
      }
      group.queues.add(queue);
      if (worker.addr) group.addresses.add(worker.addr);
      const connectedAt = busyTime(now - Math.round(worker.ageSeconds * 1000)) ?? now;
      const p = group.process;
      p.startedAt = p.startedAt === null ? connectedAt : Math.min(p.startedAt, connectedAt);
    }
  }
  const all = [...groups.values()].map(({ process, queues, addresses }) => ({
    ...process,
    queues: firstByName(queues, BUSY_LIMITS.queuesPerProcess),
    queuesTotal: queues.size,
    addresses: firstByName(addresses, BUSY_LIMITS.addressesPerProcess),
    addressesTotal: addresses.size,
  }));
  return all.sort((a, b) => a.name.localeCompare(b.name) || a.queues[0].localeCompare(b.queues[0]));
}

function firstByName(values: Set<string>, limit: number): string[] {
  return [...values].sort().slice(0, limit);
}
