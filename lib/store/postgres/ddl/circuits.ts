// Migration 11: circuit breakers (lib/circuits). One row per BullMQ schema × destination: the record
// JSON (lib/circuits/circuit.ts) and its version for compare-and-set by every worker runtime; rows not
// changed for 7 days are pruned by the writes. Part of a migration: append-only once released.
export const CIRCUITS_DDL = `
CREATE TABLE drover.circuit (
  schema_name text   NOT NULL,
  destination text   NOT NULL,
  version     bigint NOT NULL,
  record      text   NOT NULL,
  changed_at  bigint NOT NULL,
  PRIMARY KEY (schema_name, destination)
);
CREATE INDEX circuit_changed_idx ON drover.circuit (schema_name, changed_at);
`;
