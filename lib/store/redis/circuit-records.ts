// Circuit records on Redis (lib/store/circuit-records.ts): a hash per destination {v: version, r: record
// JSON} and two disjoint index zsets per connection (closed; held = open or half-open), under the queues'
// prefix (lib/keys.ts). The caps are applied by the swap script itself, so concurrent swaps from every
// worker process cannot overshoot them. Not server-only: the worker runtime writes them.
import type { Redis } from 'ioredis';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { CIRCUIT_CAPS, CIRCUIT_HELD_EVICT_MAX, CIRCUIT_HELD_IDLE_MS, CIRCUIT_TTL_MS, holdsJobs, type CircuitCaps } from '@/lib/circuits/circuit';
import { circuitReadScript } from '@/lib/circuits/lua/circuit-read-1';
import { circuitSwapScript } from '@/lib/circuits/lua/circuit-swap-3';
import type { CircuitRecords, ListedCircuits, StoredCircuit, SwapResult } from '../circuit-records';

const SWAP_RESULTS: Record<number, SwapResult> = { 0: 'conflict', 1: 'written', 2: 'full' };

export class RedisCircuitRecords implements CircuitRecords {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly caps: CircuitCaps = CIRCUIT_CAPS,
  ) {}

  async readCircuit(destination: string): Promise<StoredCircuit> {
    const [version, json, [s, us]] = await withLuaScripts(this.redis, [circuitReadScript]).droverCircuitRead(KEYS.circuit(this.prefix, destination));
    return { version: Number(version), json: json || null, now: Number(s) * 1000 + Math.floor(Number(us) / 1000) };
  }

  async swapCircuit(destination: string, version: number, json: string, ttlMs: number): Promise<SwapResult> {
    const [code, ...evicted] = await withLuaScripts(this.redis, [circuitSwapScript]).droverCircuitSwap(
      KEYS.circuit(this.prefix, destination),
      KEYS.circuitIndex(this.prefix),
      KEYS.circuitHeldIndex(this.prefix),
      destination,
      version,
      json,
      Math.round(ttlMs),
      holdsJobs(json) ? '1' : '0',
      this.caps.heldMax,
      this.caps.recordsMax,
      CIRCUIT_HELD_IDLE_MS,
      CIRCUIT_HELD_EVICT_MAX,
    );
    // The evicted records' hashes, out of every index now: deleted here, not by the script (their names
    // are not its KEYS). They expire anyway (CIRCUIT_TTL_MS); one left by a failure here is read as the
    // destination's record until then, and its next swap indexes it again.
    if (evicted.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const d of evicted) pipeline.del(KEYS.circuit(this.prefix, d));
      await pipeline.exec();
    }
    return SWAP_RESULTS[Number(code)] ?? 'conflict';
  }

  async listCircuits(max: number, closedMax = max): Promise<ListedCircuits> {
    const [s, us] = await this.redis.time();
    const now = Number(s) * 1000 + Math.floor(Number(us) / 1000);
    // Members older than the records' expiry are gone (their hashes expired) until the next swap prunes them.
    const since = now - CIRCUIT_TTL_MS;
    const heldMax = Math.min(max, this.caps.heldMax);
    const replies = ((await this.redis
      .pipeline()
      .zrevrangebyscore(KEYS.circuitHeldIndex(this.prefix), '+inf', `(${since}`, 'LIMIT', 0, heldMax)
      .zcount(KEYS.circuitHeldIndex(this.prefix), `(${since}`, '+inf')
      .zrevrangebyscore(KEYS.circuitIndex(this.prefix), '+inf', `(${since}`, 'LIMIT', 0, Math.min(max, closedMax))
      .exec()) ?? []) as Array<[Error | null, unknown]>;
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
    const [[, held], [, heldCount], [, closed]] = replies;
    const destinations = [...(held as string[]), ...(closed as string[]).slice(0, closedMax)].slice(0, max);
    if (destinations.length === 0) return { now, circuits: [], held: Number(heldCount) };
    const pipeline = this.redis.pipeline();
    for (const d of destinations) pipeline.hget(KEYS.circuit(this.prefix, d), 'r');
    const records = (await pipeline.exec()) ?? [];
    const circuits: Array<{ destination: string; json: string }> = [];
    records.forEach(([err, json], i) => {
      // Expired since it was indexed: gone.
      if (!err && typeof json === 'string') circuits.push({ destination: destinations[i], json });
    });
    return { now, circuits, held: Number(heldCount) };
  }
}
