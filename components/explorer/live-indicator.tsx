'use client';
import { cn } from '@/components/ui/cn';
import { useLiveState } from './live-store';

const LABEL = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', off: 'Not live' } as const;

export function LiveIndicator() {
  const { status } = useLiveState();
  if (status === 'off') return null;
  return (
    <span role="status" data-testid="live-indicator" data-status={status} className="inline-flex items-center gap-1.5 text-xs text-zinc-500">
      <span
        aria-hidden
        className={cn('h-2 w-2 rounded-full', status === 'live' ? 'bg-emerald-500' : 'animate-pulse bg-amber-500')}
      />
      {LABEL[status]}
    </span>
  );
}
