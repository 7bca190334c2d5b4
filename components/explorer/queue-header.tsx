'use client';
import { Link } from '@/components/ui/link';
import type { QueueDetail } from '@/lib/queues/get-queue';
import { Badge } from '@/components/ui/badge';
import { formatDuration } from './format';
import { LiveIndicator } from './live-indicator';

export function QueueHeader({ conn, queue, detail, actions }: { conn: string; queue: string; detail: QueueDetail; actions?: React.ReactNode }) {
  return (
    <div className="space-y-3">
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-500">
        <Link href="/" className="hover:underline">
          Overview
        </Link>{' '}
        / {conn} / <span className="text-zinc-700 dark:text-zinc-300">{queue}</span>
      </nav>
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-lg font-semibold break-all">{queue}</h1>
        {detail.paused ? (
          <Badge tone="amber" title="Workers take no jobs from this queue until it is resumed">
            paused
          </Badge>
        ) : (
          <Badge tone="green">running</Badge>
        )}
        {detail.readOnly && <Badge>read-only connection</Badge>}
        <LiveIndicator />
        <div className="ml-auto flex flex-wrap gap-2">{actions}</div>
      </div>
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        <div>
          <dt className="inline text-zinc-500">Global concurrency: </dt>
          <dd className="inline font-mono">{detail.globalConcurrency ?? 'none'}</dd>
        </div>
        <div>
          <dt className="inline text-zinc-500">Rate limit: </dt>
          <dd className="inline font-mono">
            {detail.globalRateLimit ? `${detail.globalRateLimit.max} per ${formatDuration(detail.globalRateLimit.duration)}` : 'none'}
            {detail.rateLimitTtl > 0 && <span className="text-amber-600"> (limited for {formatDuration(detail.rateLimitTtl)})</span>}
          </dd>
        </div>
        <div>
          <dt className="inline text-zinc-500">Schedulers: </dt>
          <dd className="inline font-mono">
            <Link href={`/schedules?queue=${encodeURIComponent(`${conn}/${queue}`)}`} className="text-indigo-700 hover:underline dark:text-indigo-400" data-testid="queue-schedules-link">
              {detail.schedulers}
            </Link>
          </dd>
        </div>
        <div>
          <dt className="inline text-zinc-500">Throughput: </dt>
          <dd className="inline font-mono">
            {detail.metricsRecorded
              ? `${detail.completed.lastMinute}/min done, ${detail.failed.lastMinute}/min failed (${detail.completed.lastHour} / ${detail.failed.lastHour} last hour)`
              : 'not recorded (workers without metrics)'}
          </dd>
        </div>
      </dl>
      <details className="text-xs" data-testid="workers-list">
        <summary className="cursor-pointer text-zinc-600 select-none dark:text-zinc-400">
          {detail.workers.length} worker{detail.workers.length === 1 ? '' : 's'}
          {detail.workers.length === 0 && detail.counts.waiting > 0 && <span className="ml-2 text-amber-600">jobs are waiting but no worker is connected</span>}
        </summary>
        {detail.workers.length > 0 && (
          <table className="mt-2 text-left">
            <thead className="text-zinc-500">
              <tr>
                <th className="pr-6 font-medium">Name</th>
                <th className="pr-6 font-medium">Address</th>
                <th className="pr-6 font-medium">Connected for</th>
                <th className="font-medium">Idle</th>
              </tr>
            </thead>
            <tbody className="font-mono">
              {detail.workers.map((w, i) => (
                <tr key={`${w.addr}-${i}`}>
                  <td className="pr-6">{w.name}</td>
                  <td className="pr-6">{w.addr}</td>
                  <td className="pr-6">{formatDuration(w.ageSeconds * 1000)}</td>
                  <td>{formatDuration(w.idleSeconds * 1000)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </div>
  );
}
