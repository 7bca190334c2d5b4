// The one registry of Redis connections: a shared client and read-only Queue handles per named connection.
import 'server-only';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { getConfig } from '@/lib/config/get-config';
import type { ConnectionConfig } from '@/lib/config/schema';
import { NotFoundError, ReadOnlyError } from '@/lib/errors';
import { createRedisClient } from './create-client';
import { consoleScripts } from './console-scripts';
import { withLuaScripts } from './lua-scripts';
import { describeEndpoint } from '@/lib/config/redact';
import { KEYS } from '@/lib/keys';

export class Connection {
  readonly name: string;
  readonly config: ConnectionConfig;
  private client?: Redis;
  private readonly queues = new Map<string, Queue>();

  constructor(config: ConnectionConfig) {
    this.name = config.name;
    this.config = config;
  }

  get prefix(): string {
    return this.config.prefix;
  }

  get readOnly(): boolean {
    return this.config.readOnly;
  }

  /** host:port without credentials, safe to show. */
  get endpoint(): string {
    return describeEndpoint(this.config.url);
  }

  /** Shared client for console reads and writes; fails fast (not queued forever) when Redis is down. */
  get redis(): Redis {
    if (!this.client) {
      this.client = withLuaScripts(createRedisClient(this.config, { purpose: 'console', maxRetriesPerRequest: 1 }), consoleScripts);
    }
    return this.client;
  }

  /**
   * A Queue handle that never writes the queue's meta hash (BullMQ 6 rewrites it on construction
   * unless skipMetasUpdate is set): opening a queue to look at it must change nothing.
   */
  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.prefix, skipMetasUpdate: true });
      queue.on('error', () => {
        /* surfaced by the calls themselves */
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * A tiny write that Redis refuses when it is at maxmemory (noeviction): run before a change so that
   * "out of memory" is reported before anything is touched.
   */
  async probeWrite(): Promise<void> {
    await this.redis.set(KEYS.writeProbe(this.prefix), Date.now(), 'PX', 10_000);
  }

  /** Throws when this connection is configured read-only. */
  assertWritable(): void {
    if (this.readOnly) throw new ReadOnlyError(this.name);
  }

  /** Redis key of a queue-level key, e.g. key('emails', 'wait') → "bull:emails:wait". */
  key(queue: string, ...parts: string[]): string {
    return [this.prefix, queue, ...parts].join(':');
  }

  /** "bull:emails:" — the prefix of every key of one queue. */
  queuePrefix(queue: string): string {
    return `${this.prefix}:${queue}:`;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    if (this.client) {
      this.client.disconnect();
      this.client = undefined;
    }
  }
}

const REGISTRY = Symbol.for('drover.connections');
type Holder = { [REGISTRY]?: Map<string, Connection> };

function registry(): Map<string, Connection> {
  const holder = globalThis as Holder;
  if (!holder[REGISTRY]) {
    holder[REGISTRY] = new Map(getConfig().connections.map((c) => [c.name, new Connection(c)]));
  }
  return holder[REGISTRY];
}

export function listConnections(): Connection[] {
  return [...registry().values()];
}

export function getConnection(name: string): Connection {
  const conn = registry().get(name);
  if (!conn) throw new NotFoundError(`Unknown connection "${name}"`);
  return conn;
}

/** The connection whose Redis holds the console's own keys (users, tokens, audit, …). */
export function getConsoleConnection(): Connection {
  const cfg = getConfig();
  return getConnection(cfg.consoleConnection ?? cfg.connections[0].name);
}

/** Tests and shutdown: close every client and forget the registry. */
export async function closeAllConnections(): Promise<void> {
  const holder = globalThis as Holder;
  const conns = holder[REGISTRY];
  delete holder[REGISTRY];
  if (conns) await Promise.allSettled([...conns.values()].map((c) => c.close()));
}
