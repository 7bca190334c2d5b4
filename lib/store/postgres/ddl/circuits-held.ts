// Migration 12: the circuit breakers' caps (lib/circuits/circuit.ts › CIRCUIT_HELD_MAX,
// CIRCUIT_RECORDS_MAX). `held`: the record is open or half-open (its destination's jobs are held back):
// those are read in full by the console's list and the circuit-open alert, counted against their own
// cap and evicted only when idle (CIRCUIT_HELD_IDLE_MS); closed rows are evicted oldest first when a new
// destination reaches the records cap. Part of a migration: append-only once released.
//
// The record is text and is never cast to json here: an earlier Drover could store JSON jsonb refuses (a
// lone surrogate's escape from an error cut inside a surrogate pair, \u0000), which would fail this
// migration on every start. The state is read by pattern instead: JSON.stringify writes the record's own
// `"state":"…"` key without spaces, and inside a JSON string every quote is escaped, so that sequence
// cannot come from an error's text. No match (unreadable) counts as closed, like holdsJobs. Idempotent
// (IF NOT EXISTS): a run that stopped before its ledger row can run again.
export const CIRCUITS_HELD_DDL = `
ALTER TABLE drover.circuit ADD COLUMN IF NOT EXISTS held boolean NOT NULL DEFAULT false;
UPDATE drover.circuit SET held = coalesce(substring(record from '"state":"([a-z-]+)"') IN ('open', 'half-open'), false);
CREATE INDEX IF NOT EXISTS circuit_held_idx ON drover.circuit (schema_name, changed_at) WHERE held;
CREATE INDEX IF NOT EXISTS circuit_closed_idx ON drover.circuit (schema_name, changed_at) WHERE NOT held;
`;
