// The Busy page renders whatever times it is given: one no Date can hold (1e300 in a hand-written
// heartbeat or job hash) reads "—" instead of throwing RangeError out of the page's render.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { BusyView } from '@/components/workers/busy-view';
import { BUSY_LIMITS, type Busy, type BusyJob } from '@/lib/workers/busy-schemas';

const NOW = Date.UTC(2026, 11, 6, 14, 0, 0);

function page(startedAt: number | null): string {
  const job = { queue: 'q', id: '1', idTruncated: false, name: 'slow', startedAt, progress: null } satisfies BusyJob;
  const busy: Busy = {
    generatedAt: NOW,
    limits: { ...BUSY_LIMITS },
    connections: [
      {
        name: 'default',
        prefix: 'bull',
        error: null,
        clientList: true,
        unreadable: 0,
        processesTotal: 1,
        runningTotal: 1,
        processes: [{ kind: 'bullmq', key: 'bullmq:w', name: 'w', noHeartbeat: false, host: null, pid: null, startedAt: NOW, beatAt: null, queues: ['q'], queuesTotal: 1, concurrency: null, addresses: [], addressesTotal: 0, jobs: [job], jobsTotal: 1, partial: false }],
      },
    ],
  };
  return renderToStaticMarkup(createElement(QueryClientProvider, { client: new QueryClient() }, createElement(BusyView, { initial: busy })));
}

describe('Busy page times', () => {
  it('shows a job’s start as its exact time', () => {
    expect(page(NOW - 72_000)).toContain(new Date(NOW - 72_000).toISOString());
  });

  it('renders "—" for a start no Date can hold, or none', () => {
    for (const startedAt of [1e300, -1e300, 8.64e15 + 1, null]) {
      const html = page(startedAt);
      expect(html).toContain('data-testid="busy-job"');
      expect(html).toContain('—');
    }
  });
});
