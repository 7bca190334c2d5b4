// The circuit breakers' records of one connection (lib/circuits): one record per destination, read and
// then swapped for the next version (compare-and-set), so every worker process of the connection applies
// the same pure rules (lib/circuits/circuit.ts) without locks. Times come from the store's clock. Redis:
// lib/store/redis/circuit-records.ts; PostgreSQL: lib/store/postgres/circuit-records.ts.

/** A destination's stored circuit as read: version 0 and json null when there is none (or it expired). */
export type StoredCircuit = { version: number; json: string | null; now: number };

export interface CircuitRecords {
  /** The destination's record, its version, and the store's clock (ms). */
  readCircuit(destination: string): Promise<StoredCircuit>;
  /**
   * Stores `json` as the next version when the stored version is still `version` (0: none); false when
   * another process changed it first (read again). Refreshes the expiry (`ttlMs`).
   */
  swapCircuit(destination: string, version: number, json: string, ttlMs: number): Promise<boolean>;
  /** The circuits changed most recently, at most `max`, with the store's clock (ms). */
  listCircuits(max: number): Promise<{ now: number; circuits: Array<{ destination: string; json: string }> }>;
}
