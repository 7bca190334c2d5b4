// One timer per server process while anyone listens: overview snapshots (one computation shared
// by every tab) and Redis health, pushed over SSE.
import 'server-only';
import { getOverview } from '@/lib/queues/get-overview';
import { checkHealth } from '@/lib/health/check-health';
import type { LiveEvent } from './live-event';

type Listener = { overview: boolean; send: (e: LiveEvent) => void };

const PULSE = Symbol.for('drover.pulse');
type State = { listeners: Set<Listener>; timer?: ReturnType<typeof setTimeout>; running: boolean };
type Holder = { [PULSE]?: State };

export const PULSE_INTERVAL_MS = 3000;

function state(): State {
  const holder = globalThis as Holder;
  holder[PULSE] ??= { listeners: new Set(), running: false };
  return holder[PULSE];
}

async function tick(): Promise<void> {
  const s = state();
  if (s.listeners.size === 0) {
    s.running = false;
    return;
  }
  try {
    const wantsOverview = [...s.listeners].some((l) => l.overview);
    if (wantsOverview) {
      const overview = await getOverview();
      const health: LiveEvent = {
        type: 'health',
        connections: overview.connections.map((c) => ({ name: c.name, status: c.error ? 'down' : 'up', ...(c.error ? { error: c.error } : {}) })),
      };
      for (const l of s.listeners) {
        l.send(health);
        if (l.overview) l.send({ type: 'overview', overview });
      }
    } else {
      const health = await checkHealth();
      const event: LiveEvent = {
        type: 'health',
        connections: health.connections.map((c) => ({ name: c.name, status: c.status, ...(c.error ? { error: c.error } : {}) })),
      };
      for (const l of s.listeners) l.send(event);
    }
  } catch {
    /* the next tick tries again */
  }
  s.timer = setTimeout(tick, PULSE_INTERVAL_MS);
  s.timer.unref?.();
}

export function subscribeToPulse(listener: Listener): () => void {
  const s = state();
  s.listeners.add(listener);
  if (!s.running) {
    s.running = true;
    s.timer = setTimeout(tick, 50);
  }
  return () => {
    s.listeners.delete(listener);
    if (s.listeners.size === 0 && s.timer) {
      clearTimeout(s.timer);
      s.running = false;
    }
  };
}
