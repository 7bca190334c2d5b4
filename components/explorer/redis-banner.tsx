'use client';
import { useLiveState } from './live-store';
import { unreachableText } from './unreachable-text';

/**
 * "Redis unreachable" (or "PostgreSQL unreachable") across the top while any connection is down, naming
 * the connections per store (health arrives over SSE).
 */
export function RedisBanner() {
  const { health } = useLiveState();
  const down = health.filter((c) => c.status === 'down');
  if (down.length === 0) return null;
  return (
    <div role="alert" data-testid="redis-banner" className="bg-red-600 px-4 py-1.5 text-sm text-white">
      {unreachableText(down)}
    </div>
  );
}
