'use client';
// External services on the Busy page (README › Circuit breakers): each destination's circuit breaker of
// a connection — closed / open / half-open, its recent failures, the next probe — with a Reset button
// for operators (confirmed; the operation needs the operator role on every queue of the connection).
// Open and half-open circuits are listed first; those beyond the list are counted ("N more open").
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Circuits, CircuitView } from '@/lib/circuits/schemas';
import { resetCircuitAction } from '@/app/actions';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { RelativeTime } from '@/components/ui/relative-time';
import { Table, TBody, THead, Td, Th, Tr } from '@/components/ui/table';
import { useRunAction } from '@/components/ui/use-run-action';
import { ApiError, fetchJson } from '@/components/explorer/api-client';
import { queryKeys } from '@/components/query-keys';

const STATE_TONE = { closed: 'green', open: 'red', 'half-open': 'amber' } as const;
const STATE_TITLE = {
  closed: 'Jobs for it run as usual',
  open: 'Jobs for it are held back (moved to delayed, no attempt used) until the next probe',
  'half-open': 'One probe job is being attempted: its success closes the circuit, its failure re-opens it',
} as const;

export function CircuitsPanel({ conn, canControl }: { conn: string; canControl: boolean }) {
  const { data, error } = useQuery({
    queryKey: queryKeys.circuits(conn),
    // Times are in the store's clock: the skew to this browser's, taken when they arrive.
    queryFn: async () => {
      const circuits = await fetchJson<Circuits>(`/api/v1/connections/${encodeURIComponent(conn)}/circuits`);
      return { ...circuits, skew: Date.now() - circuits.now };
    },
    refetchInterval: 5_000,
    // A refusal does not change on asking again.
    retry: (failures, err) => !(err instanceof ApiError && err.status === 403) && failures < 1,
  });
  if (error) {
    // circuits.list needs the viewer role on every queue of the connection (the recent failures quote
    // every team's receivers): a viewer of some queues only is told so, not shown the raw refusal.
    const forbidden = error instanceof ApiError && error.status === 403;
    return (
      <p className="text-xs text-zinc-500" data-testid={`circuits-${conn}-unavailable`}>
        External services:{' '}
        {forbidden ? 'the circuit breakers of this connection are shown only to users who may view every queue of the connection (their failures name every team’s services).' : (error as Error).message}
      </p>
    );
  }
  if (!data || (data.circuits.length === 0 && data.moreHeld === 0)) return null;
  const { skew } = data;
  return (
    <section aria-label={`External services of ${conn}`} className="space-y-2" data-testid={`circuits-${conn}`}>
      <h3 className="text-sm font-semibold text-zinc-700 dark:text-zinc-300">External services</h3>
      <Table>
        <THead>
          <Tr>
            <Th>Destination</Th>
            <Th>Circuit</Th>
            <Th>Recent failures</Th>
            <Th>Next probe</Th>
            {canControl && <Th />}
          </Tr>
        </THead>
        <TBody>
          {data.circuits.map((c) => (
            <CircuitRow key={c.destination} conn={conn} circuit={c} skew={skew} canControl={canControl} />
          ))}
        </TBody>
      </Table>
      {data.moreHeld > 0 && (
        <p className="text-xs text-amber-700 dark:text-amber-400" data-testid="circuits-more-held">
          {data.moreHeld} more open or half-open {data.moreHeld === 1 ? 'circuit' : 'circuits'} not listed: at most {data.limit} are shown, the open ones first.
        </p>
      )}
    </section>
  );
}

function CircuitRow({ conn, circuit: c, skew, canControl }: { conn: string; circuit: CircuitView; skew: number; canControl: boolean }) {
  const { run, pending } = useRunAction();
  const [confirm, setConfirm] = useState(false);
  const last = c.recent[0];
  return (
    <Tr data-testid="circuit-row" data-state={c.state}>
      <Td className="font-mono text-xs">{c.destination}</Td>
      <Td>
        <Badge tone={STATE_TONE[c.state]} title={STATE_TITLE[c.state]}>
          <span data-testid="circuit-state">{c.state}</span>
        </Badge>
        {c.resetBy && c.state === 'closed' && <span className="ml-2 text-xs text-zinc-500">reset by {c.resetBy}</span>}
      </Td>
      <Td className="text-xs">
        {c.consecutive > 0 && <span>{c.consecutive} in a row · </span>}
        {last ? (
          <span title={c.recent.map((r) => `${new Date(r.at).toISOString()} ${r.error}`).join('\n')}>
            <RelativeTime ms={last.at + skew} />: {last.error}
          </span>
        ) : (
          <span className="text-zinc-400">none</span>
        )}
      </Td>
      <Td className="text-xs">
        {c.state === 'open' && c.nextProbeAt !== null ? (
          <RelativeTime ms={c.nextProbeAt + skew} kind="scheduled" />
        ) : c.state === 'half-open' ? (
          <span>probe out</span>
        ) : (
          <span className="text-zinc-400">—</span>
        )}
      </Td>
      {canControl && (
        <Td>
          {c.state !== 'closed' && (
            <>
              <Button size="sm" disabled={pending} onClick={() => setConfirm(true)}>
                Reset
              </Button>
              <ConfirmDialog
                open={confirm}
                onClose={() => setConfirm(false)}
                danger={false}
                busy={pending}
                title={`Close the circuit of ${c.destination}?`}
                confirmLabel="Reset"
                onConfirm={() => run(() => resetCircuitAction({ params: { conn }, body: { destination: c.destination } }), { onDone: () => setConfirm(false) })}
              >
                Its held-back jobs are attempted again as they come due, by every worker process of this connection. If the service is still failing, the circuit opens again after the threshold.
              </ConfirmDialog>
            </>
          )}
        </Td>
      )}
    </Tr>
  );
}
