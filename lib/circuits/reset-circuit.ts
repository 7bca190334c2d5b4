// Closes a destination's circuit by hand (operator, audited): counters cleared, the failures kept to
// read. Worker processes see it at their next read (a process that cached the destination clean reads
// again within a second; an open circuit is read on every job).
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { workerOperations as ops } from '@/lib/operations/workers';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { CIRCUIT_TTL_MS, parseCircuit, resetRecord } from './circuit';
import { circuitView } from './list-circuits';
import type { CircuitView } from './schemas';

const TRIES = 8;

export function resetCircuit(ctx: AuditContext, connection: string, destination: string): Promise<{ message: string; circuit: CircuitView }> {
  return audited(ctx, ops.resetCircuit, { connection, params: { destination } }, async (conn) => {
    const circuits = conn.records.circuits;
    for (let i = 0; i < TRIES; i++) {
      const stored = await circuits.readCircuit(destination);
      const record = parseCircuit(stored.json);
      if (!record) throw new NotFoundError(`No circuit for ${destination} on connection "${connection}"`);
      const next = resetRecord(record, stored.now, { cooldownMs: record.cooldownMs }, ctx.actor.name);
      // A closed record always fits the caps: only a conflict makes this read again.
      if ((await circuits.swapCircuit(destination, stored.version, JSON.stringify(next), CIRCUIT_TTL_MS)) === 'written') {
        return {
          result: { message: `Circuit of ${destination} closed (was ${record.state})`, circuit: circuitView(destination, next) },
          details: { was: record.state },
        };
      }
    }
    throw new ConflictError(`The circuit of ${destination} kept changing: try again`);
  });
}
