'use client';
import { cn } from '@/components/ui/cn';
import { Button } from '@/components/ui/button';
import { setLivePaused, useLiveState } from './live-store';

const LABEL = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', paused: 'Paused', off: 'Not live' } as const;

/** The live stream's status and the tab's Pause / Resume switch for live updates (live-store.ts). */
export function LiveIndicator() {
  const { status, paused } = useLiveState();
  if (status === 'off') return null;
  return (
    <span className="inline-flex items-center gap-1.5">
      <span
        role="status"
        data-testid="live-indicator"
        data-status={status}
        title={paused ? 'Live updates are paused in this tab: the page shows what it had when you paused' : undefined}
        className={cn(
          'inline-flex items-center gap-1.5 text-xs',
          paused ? 'rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200' : 'text-zinc-500',
        )}
      >
        <span
          aria-hidden
          className={cn('h-2 w-2', paused ? 'rounded-sm bg-amber-600' : 'rounded-full', status === 'live' ? 'bg-emerald-500' : !paused && 'animate-pulse bg-amber-500')}
        />
        {paused ? 'Paused — live updates stopped' : LABEL[status]}
      </span>
      <Button
        size="sm"
        variant="ghost"
        data-testid="live-pause"
        aria-label={paused ? 'Resume live updates' : 'Pause live updates'}
        title={paused ? 'Reconnect and refresh this page' : 'Stop live updates in this tab (nothing moves until you resume)'}
        onClick={() => setLivePaused(!paused)}
      >
        {paused ? 'Resume' : 'Pause'}
      </Button>
    </span>
  );
}
