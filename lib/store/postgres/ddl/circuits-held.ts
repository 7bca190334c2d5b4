// Migration 12: the circuit breakers' caps (lib/circuits/circuit.ts › CIRCUIT_HELD_MAX,
// CIRCUIT_RECORDS_MAX). `held`: the record is open or half-open (its destination's jobs are held back):
// those are read in full by the console's list and the circuit-open alert, counted against their own
// cap and never evicted; closed rows are evicted oldest first when a new destination reaches the records
// cap. Part of a migration: append-only once released.
export const CIRCUITS_HELD_DDL = `
ALTER TABLE drover.circuit ADD COLUMN held boolean NOT NULL DEFAULT false;
UPDATE drover.circuit SET held = (record::jsonb ->> 'state') IS DISTINCT FROM 'closed';
CREATE INDEX circuit_held_idx ON drover.circuit (schema_name, changed_at) WHERE held;
CREATE INDEX circuit_closed_idx ON drover.circuit (schema_name, changed_at) WHERE NOT held;
`;
