// The circuit breakers of one connection's destinations (bounded): every open and half-open one first,
// then closed ones, the most recently changed first; the open ones beyond the list are counted.
import 'server-only';
import { getConnection } from '@/lib/redis/connections';
import { NotFoundError } from '@/lib/errors';
import { CIRCUITS_LIST_MAX, parseCircuit, type CircuitRecord } from './circuit';
import type { Circuits, CircuitView } from './schemas';

export function circuitView(destination: string, r: CircuitRecord): CircuitView {
  return {
    destination,
    state: r.state,
    consecutive: r.consecutive,
    windowFailures: r.windowFailures,
    windowTotal: r.windowTotal,
    openedAt: r.openedAt,
    nextProbeAt: r.state === 'open' ? r.nextProbeAt : null,
    cooldownMs: r.cooldownMs,
    probeInFlight: r.state === 'half-open',
    probeUntil: r.state === 'half-open' ? r.probeUntil : null,
    recent: r.recent,
    opened: r.opened,
    changedAt: r.changedAt,
    ...(r.resetBy ? { resetBy: r.resetBy } : {}),
  };
}

export async function listCircuits(connection: string, max = CIRCUITS_LIST_MAX): Promise<Circuits> {
  const conn = getConnection(connection);
  if (!conn) throw new NotFoundError(`Unknown connection "${connection}"`);
  const { now, circuits, held } = await conn.records.circuits.listCircuits(Math.min(max, CIRCUITS_LIST_MAX));
  const views: CircuitView[] = [];
  for (const c of circuits) {
    const record = parseCircuit(c.json);
    if (record) views.push(circuitView(c.destination, record));
  }
  const heldListed = views.filter((v) => v.state !== 'closed').length;
  return { connection, now, circuits: views, limit: CIRCUITS_LIST_MAX, moreHeld: Math.max(0, held - heldListed) };
}
