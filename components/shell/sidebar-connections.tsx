'use client';
import { Link } from '@/components/ui/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { cn } from '@/components/ui/cn';

import type { SidebarConnection } from '@/lib/queues/sidebar-connection';
import { viewPath } from '@/lib/views/view';

export function SidebarConnections({ connections }: { connections: SidebarConnection[] }) {
  const pathname = usePathname();
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const many = connections.reduce((n, c) => n + c.queues.length, 0) > 12;
  return (
    <div className="space-y-3">
      <p className="px-2 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">Connections</p>
      {many && (
        <input
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="Filter queues…"
          aria-label="Filter queues in the sidebar"
          className="mx-2 h-7 w-[calc(100%-1rem)] rounded border border-zinc-300 bg-transparent px-2 text-xs dark:border-zinc-700"
        />
      )}
      {connections.map((conn) => (
        <div key={conn.name}>
          <div className="flex items-center gap-1 px-2 text-xs font-medium text-zinc-600 dark:text-zinc-400" title={conn.endpoint}>
            <span className="truncate">{conn.name}</span>
            {conn.readOnly && <span className="rounded bg-zinc-200 px-1 text-[10px] dark:bg-zinc-800">read-only</span>}
          </div>
          {conn.error && <p className="px-2 text-[11px] text-red-600">{conn.error}</p>}
          <ul className="mt-1 space-y-0.5">
            {conn.queues
              .filter((q) => !needle || q.toLowerCase().includes(needle))
              .map((queue) => {
                const href = `/connections/${encodeURIComponent(conn.name)}/queues/${encodeURIComponent(queue)}`;
                const views = conn.views?.filter((v) => v.queue === queue) ?? [];
                return (
                  <li key={queue}>
                    <Link
                      href={href}
                      // One link per queue: prefetching every visible one would render that many queue
                      // pages on the server (and read Redis for each) on every page load.
                     
                      className={cn(
                        'block truncate rounded py-0.5 pr-2 pl-4 text-[13px] hover:bg-zinc-100 dark:hover:bg-zinc-800',
                        pathname.startsWith(href) ? 'bg-zinc-100 font-medium dark:bg-zinc-800' : 'text-zinc-700 dark:text-zinc-300',
                      )}
                    >
                      {queue}
                    </Link>
                    {views.length > 0 && (
                      <ul aria-label={`Saved views of ${queue}`} className="space-y-0.5">
                        {views.map((v) => (
                          <li key={v.id}>
                            {/* The view's stable URL redirects to the queue page with its query. */}
                            <Link
                              href={viewPath(v.id)}
                              title={v.shared ? `${v.name} (shared)` : `${v.name} (private)`}
                              className="flex items-center gap-1 truncate rounded py-0.5 pr-2 pl-7 text-[12px] text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
                            >
                              <span aria-hidden className="text-zinc-400">{v.shared ? '◆' : '◇'}</span>
                              <span className="truncate">{v.name}</span>
                            </Link>
                          </li>
                        ))}
                      </ul>
                    )}
                  </li>
                );
              })}
            {conn.queues.length === 0 && !conn.error && <li className="px-2 text-[11px] text-zinc-400">no queues yet</li>}
          </ul>
        </div>
      ))}
    </div>
  );
}
