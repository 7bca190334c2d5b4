// The circuit breakers' records of one connection (lib/circuits): one record per destination, read and
// then swapped for the next version (compare-and-set), so every worker process of the connection applies
// the same pure rules (lib/circuits/circuit.ts) without locks. Times come from the store's clock. Each
// swap also applies the connection's caps atomically (lib/circuits/circuit.ts › CircuitCaps): open and
// half-open ("held") records are indexed apart, never evicted, and read in full by the list and the
// circuit-open alert. Redis: lib/store/redis/circuit-records.ts; PostgreSQL:
// lib/store/postgres/circuit-records.ts.

/** A destination's stored circuit as read: version 0 and json null when there is none (or it expired). */
export type StoredCircuit = { version: number; json: string | null; now: number };

/**
 * What a swap did: `written`; `conflict` (another process changed it first: read again); `full` (the
 * record would hold jobs back and the connection's held cap is reached: nothing stored, the destination's
 * jobs run as if its circuit were closed).
 */
export type SwapResult = 'written' | 'conflict' | 'full';

export type ListedCircuits = {
  now: number;
  /** Held (open, half-open) ones first, the most recently changed first, then closed ones by recency. */
  circuits: Array<{ destination: string; json: string }>;
  /** How many held records the connection has (some may be beyond `max`). */
  held: number;
};

export interface CircuitRecords {
  /** The destination's record, its version, and the store's clock (ms). */
  readCircuit(destination: string): Promise<StoredCircuit>;
  /**
   * Stores `json` as the next version when the stored version is still `version` (0: none) and it fits
   * the caps. A new destination at the records cap evicts the oldest closed records. Refreshes the
   * expiry (`ttlMs`).
   */
  swapCircuit(destination: string, version: number, json: string, ttlMs: number): Promise<SwapResult>;
  /**
   * At most `max` circuits: every held one first (up to `max`), then closed ones by recency, at most
   * `closedMax` of them (the circuit-open alert reads none: a circuit not held is closed).
   */
  listCircuits(max: number, closedMax?: number): Promise<ListedCircuits>;
}
