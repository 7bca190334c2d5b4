'use client';
import { useLiveState } from './live-store';

/** "Redis unreachable" across the top while any connection is down (health arrives over SSE). */
export function RedisBanner() {
  const { health } = useLiveState();
  const down = health.filter((c) => c.status === 'down');
  if (down.length === 0) return null;
  return (
    <div role="alert" data-testid="redis-banner" className="bg-red-600 px-4 py-1.5 text-sm text-white">
      Redis unreachable: {down.map((c) => c.name).join(', ')}. Showing the last data received; this page recovers on its own when Redis is back.
    </div>
  );
}
