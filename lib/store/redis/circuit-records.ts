// Circuit records on Redis (lib/store/circuit-records.ts): a hash per destination {v: version, r: record
// JSON} and an index zset per connection, under the queues' prefix (lib/keys.ts). Not server-only: the
// worker runtime writes them.
import type { Redis } from 'ioredis';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { circuitReadScript } from '@/lib/circuits/lua/circuit-read-1';
import { circuitSwapScript } from '@/lib/circuits/lua/circuit-swap-2';
import type { CircuitRecords, StoredCircuit } from '../circuit-records';

/** Destinations the index keeps at most (the oldest changes drop out; their hashes expire on their own). */
export const CIRCUIT_INDEX_MAX = 1000;

export class RedisCircuitRecords implements CircuitRecords {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async readCircuit(destination: string): Promise<StoredCircuit> {
    const [version, json, [s, us]] = await withLuaScripts(this.redis, [circuitReadScript]).droverCircuitRead(KEYS.circuit(this.prefix, destination));
    return { version: Number(version), json: json || null, now: Number(s) * 1000 + Math.floor(Number(us) / 1000) };
  }

  async swapCircuit(destination: string, version: number, json: string, ttlMs: number): Promise<boolean> {
    const written = await withLuaScripts(this.redis, [circuitSwapScript]).droverCircuitSwap(
      KEYS.circuit(this.prefix, destination),
      KEYS.circuitIndex(this.prefix),
      destination,
      version,
      json,
      Math.round(ttlMs),
      CIRCUIT_INDEX_MAX,
    );
    return Number(written) === 1;
  }

  async listCircuits(max: number): Promise<{ now: number; circuits: Array<{ destination: string; json: string }> }> {
    const [destinations, [s, us]] = await Promise.all([this.redis.zrevrange(KEYS.circuitIndex(this.prefix), 0, max - 1), this.redis.time()]);
    const now = Number(s) * 1000 + Math.floor(Number(us) / 1000);
    if (destinations.length === 0) return { now, circuits: [] };
    const pipeline = this.redis.pipeline();
    for (const d of destinations) pipeline.hget(KEYS.circuit(this.prefix, d), 'r');
    const replies = (await pipeline.exec()) ?? [];
    const circuits: Array<{ destination: string; json: string }> = [];
    replies.forEach(([err, json], i) => {
      // Expired since it was indexed: gone.
      if (!err && typeof json === 'string') circuits.push({ destination: destinations[i], json });
    });
    return { now, circuits };
  }
}
