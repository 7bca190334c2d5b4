// The Busy page renders whatever times it is given: one no Date can hold (1e300 in a hand-written
// heartbeat or job hash) reads "—" instead of throwing RangeError out of the page's render; a gone
// process reads "gone since" its last heartbeat, the exact time on hover.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { BusyView } from '@/components/workers/busy-view';
import { BUSY_LIMITS, type BusyJob, type BusyProcess } from '@/lib/workers/busy-schemas';
import { WORKERS_LIMITS, type Workers } from '@/lib/worker-control/workers-schemas';
import { DEFAULT_MAX_WORKER_CONCURRENCY } from '@/lib/worker-control/control-message';

const NOW = Date.UTC(2026, 11, 6, 14, 0, 0);

function page(startedAt: number | null, gone: BusyProcess[] = []): string {
  const job = { queue: 'q', id: '1', idTruncated: false, name: 'slow', startedAt, progress: null } satisfies BusyJob;
  const busy: Workers = {
    generatedAt: NOW,
    limits: { processes: BUSY_LIMITS.processes, gone: WORKERS_LIMITS.gone, concurrency: DEFAULT_MAX_WORKER_CONCURRENCY },
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
        gone,
        settings: {},
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

  it('shows a gone Drover process greyed, "gone since" its last heartbeat with the exact time on hover', () => {
    const beatAt = NOW - 5 * 60_000;
    const gone: BusyProcess = { kind: 'drover', key: 'r-gone', name: 'drover@h:42', noHeartbeat: false, host: 'h', pid: 42, startedAt: NOW - 3_600_000, beatAt, queues: ['email'], queuesTotal: 1, concurrency: { email: 2 }, controllable: true, state: 'quiet', addresses: [], addressesTotal: 0, jobs: [], jobsTotal: 1, partial: false };
    const html = page(NOW, [gone]);
    expect(html).toContain('aria-label="Gone worker drover@h:42"');
    expect(html).toContain('data-testid="busy-gone-process"');
    expect(html).toMatch(/data-testid="busy-gone-since">gone since <time dateTime="[^"]+" title="[^"]+"/);
    expect(html).toContain(`dateTime="${new Date(beatAt).toISOString()}"`);
    expect(html).toContain('last quiet, 1 job running then');
  });
});
