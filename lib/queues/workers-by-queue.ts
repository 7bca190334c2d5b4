// Workers of every queue of a connection from one CLIENT LIST (BullMQ's getWorkers runs it per
// queue; with 50 queues that is 50 full client lists per refresh).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { allNodes } from '@/lib/redis/create-client';
import { shortCached } from './short-cache';

export type WorkerInfo = {
  /** the Worker's `name` option, or "(unnamed)" */
  name: string;
  addr: string;
  ageSeconds: number;
  idleSeconds: number;
};

export function parseClientList(list: string, prefix: string): Map<string, WorkerInfo[]> {
  const byQueue = new Map<string, WorkerInfo[]>();
  const start = `${prefix}:`;
  for (const line of list.split(/\r?\n/)) {
    if (!line) continue;
    const fields: Record<string, string> = {};
    for (const part of line.split(' ')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
    }
    const clientName = fields.name;
    if (!clientName?.startsWith(start)) continue;
    const rest = clientName.slice(start.length);
    const sep = rest.indexOf(':');
    const encoded = sep === -1 ? rest : rest.slice(0, sep);
    const tail = sep === -1 ? '' : rest.slice(sep + 1);
    // Worker clients are "<prefix>:<base64 queue>" or "<prefix>:<base64 queue>:w:<worker name>";
    // other BullMQ clients (QueueEvents "…:qe") are not workers.
    if (tail && !tail.startsWith('w:')) continue;
    if (!/^[A-Za-z0-9+/]+=*$/.test(encoded)) continue;
    const queue = Buffer.from(encoded, 'base64').toString('utf8');
    const info: WorkerInfo = {
      name: tail ? tail.slice(2) : '(unnamed)',
      addr: fields.addr ?? '',
      ageSeconds: Number(fields.age ?? 0),
      idleSeconds: Number(fields.idle ?? 0),
    };
    const list = byQueue.get(queue) ?? [];
    list.push(info);
    byQueue.set(queue, list);
  }
  return byQueue;
}

/** Workers per queue from CLIENT LIST, reused for 2 s (every tab and the live pulse share one call). */
export function getWorkersByQueue(conn: Connection, fresh = false): Promise<Map<string, WorkerInfo[]>> {
  return shortCached(`workers:${conn.name}`, 2000, () => conn.store.workersByQueue(), fresh);
}

// Connections whose Redis refused CLIENT LIST at the last read (managed services may).
const REFUSED = Symbol.for('drover.client-list-refused');
function refused(): Set<string> {
  const holder = globalThis as { [REFUSED]?: Set<string> };
  return (holder[REFUSED] ??= new Set());
}

/** True when the last CLIENT LIST of this connection was refused (worker lists are then unknown, not empty). */
export function clientListRefused(conn: Connection): boolean {
  return refused().has(conn.name);
}

/** The Redis store's reading (lib/store/redis): one CLIENT LIST per node. */
export async function readRedisWorkersByQueue(conn: Connection): Promise<Map<string, WorkerInfo[]>> {
  try {
    // One CLIENT LIST per node (a cluster's workers connect to the node of their queue's slot).
    const lists = await Promise.all((await allNodes(conn.redis)).map((node) => node.client('LIST') as Promise<string>));
    refused().delete(conn.name);
    if (lists.length === 1) return parseClientList(lists[0], conn.prefix);
    // A worker's cluster client may name its connection on several nodes: like BullMQ's own
    // getWorkers, count each queue on the node where it has the most named clients.
    const merged = new Map<string, WorkerInfo[]>();
    for (const perNode of lists.map((list) => parseClientList(list, conn.prefix))) {
      for (const [queue, workers] of perNode) {
        if ((merged.get(queue)?.length ?? 0) < workers.length) merged.set(queue, workers);
      }
    }
    return merged;
  } catch (err) {
    // Managed Redis services may refuse CLIENT LIST; worker counts are then unknown, not an error.
    if (/unknown command|NOPERM|not allowed/i.test((err as Error).message)) {
      refused().add(conn.name);
      return new Map();
    }
    throw err;
  }
}
