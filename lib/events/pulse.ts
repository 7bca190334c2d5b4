// One timer per server process while anyone listens: overview snapshots (one computation shared
// by every tab) and Redis health, pushed over SSE.
import 'server-only';
import { getOverview, scopeOverview, type Overview } from '@/lib/queues/get-overview';
import { checkHealth } from '@/lib/health/check-health';
import { getConnection } from '@/lib/redis/connections';
import type { QueueFilter } from '@/lib/auth/queue-filter';
import type { LiveEvent } from './live-event';

/**
 * One stream's wish. `filter`: what its caller may see (README › Team scopes): a listener with one that
 * does not let everything through gets its own snapshots, cut to its connections and queues.
 */
type Listener = { overview: boolean; send: (e: LiveEvent) => void; filter?: QueueFilter };

type HealthEvent = Extract<LiveEvent, { type: 'health' }>;

const isScoped = (l: Listener): l is Listener & { filter: QueueFilter } => l.filter !== undefined && !l.filter.everything;

function scopedHealth(event: HealthEvent, filter: QueueFilter): HealthEvent {
  return { type: 'health', connections: event.connections.filter((c) => filter.connection(c.name)) };
}

const PULSE = Symbol.for('drover.pulse');
/** At most one loop: either a tick is scheduled (timer) or one is running (inFlight), never both twice. */
type State = { listeners: Set<Listener>; timer?: ReturnType<typeof setTimeout>; inFlight: boolean };
type Holder = { [PULSE]?: State };

export const PULSE_INTERVAL_MS = 3000;

function state(): State {
  const holder = globalThis as Holder;
  holder[PULSE] ??= { listeners: new Set(), inFlight: false };
  return holder[PULSE];
}

function schedule(s: State, ms: number): void {
  s.timer = setTimeout(tick, ms);
  s.timer.unref?.();
}

async function tick(): Promise<void> {
  const s = state();
  s.timer = undefined;
  if (s.listeners.size === 0) return;
  s.inFlight = true;
  try {
    const wantsOverview = [...s.listeners].some((l) => l.overview);
    if (wantsOverview) {
      const overview = await getOverview();
      const health: HealthEvent = {
        type: 'health',
        connections: overview.connections.map((c) => ({ name: c.name, store: getConnection(c.name).kind, status: c.error ? 'down' : 'up', ...(c.error ? { error: c.error } : {}) })),
      };
      // One event object per tick: its frame is serialized once for every stream (lib/events/live-frame.ts);
      // streams of callers with grants get their own cut (small: only their queues).
      const snapshot: LiveEvent = { type: 'overview', overview };
      for (const l of s.listeners) {
        if (isScoped(l)) {
          l.send(scopedHealth(health, l.filter));
          if (l.overview) l.send({ type: 'overview', overview: scopeOverview(overview as Overview, l.filter) });
          continue;
        }
        l.send(health);
        if (l.overview) l.send(snapshot);
      }
    } else {
      const health = await checkHealth();
      const event: HealthEvent = {
        type: 'health',
        connections: health.connections.map((c) => ({ name: c.name, store: c.store, status: c.status, ...(c.error ? { error: c.error } : {}) })),
      };
      for (const l of s.listeners) l.send(isScoped(l) ? scopedHealth(event, l.filter) : event);
    }
  } catch {
    /* the next tick tries again */
  } finally {
    s.inFlight = false;
  }
  // Listeners that came while this tick ran are served by the next one (they did not start a loop).
  if (s.listeners.size > 0 && !s.timer) schedule(s, PULSE_INTERVAL_MS);
}

export function subscribeToPulse(listener: Listener): () => void {
  const s = state();
  s.listeners.add(listener);
  if (!s.timer && !s.inFlight) schedule(s, 50);
  return () => {
    s.listeners.delete(listener);
    // A tick in flight ends on its own: it schedules no next one without listeners.
    if (s.listeners.size === 0 && s.timer) {
      clearTimeout(s.timer);
      s.timer = undefined;
    }
  };
}
