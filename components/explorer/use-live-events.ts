'use client';
// One EventSource per page to /api/v1/events, reconnecting with backoff; feeds events to the page
// and health/status to the shared live store.
import { useEffect, useRef } from 'react';
import type { LiveEvent } from '@/lib/events/live-event';
import { setLiveState } from './live-store';

export function useLiveEvents(opts: { queues?: Array<{ conn: string; queue: string }>; overview?: boolean }, onEvent: (e: LiveEvent) => void) {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  const key = JSON.stringify([opts.queues ?? [], Boolean(opts.overview)]);
  useEffect(() => {
    const [queues, overview] = JSON.parse(key) as [Array<{ conn: string; queue: string }>, boolean];
    const params = new URLSearchParams();
    for (const q of queues) params.append('queue', `${q.conn}/${q.queue}`);
    if (overview) params.set('overview', '1');
    let source: EventSource | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const connect = () => {
      setLiveState({ status: attempt === 0 ? 'connecting' : 'reconnecting' });
      source = new EventSource(`/api/v1/events?${params.toString()}`);
      source.onopen = () => {
        attempt = 0;
        setLiveState({ status: 'live' });
      };
      source.onmessage = (message) => {
        try {
          const event = JSON.parse(message.data) as LiveEvent;
          if (event.type === 'health') setLiveState({ health: event.connections });
          handler.current(event);
        } catch {
          /* ignore a malformed frame */
        }
      };
      source.onerror = () => {
        source?.close();
        if (stopped) return;
        attempt += 1;
        setLiveState({ status: 'reconnecting' });
        // 1 s, 2 s, 4 s … up to 15 s, with jitter so many tabs do not reconnect at once.
        const delay = Math.min(15_000, 1000 * 2 ** Math.min(attempt - 1, 4)) * (0.8 + Math.random() * 0.4);
        timer = setTimeout(connect, delay);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
      setLiveState({ status: 'off' });
    };
  }, [key]);
}

/** Calls fn at most once per `ms`, trailing call included. */
export function throttle(fn: () => void, ms: number): () => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    const now = Date.now();
    const wait = last + ms - now;
    if (wait <= 0) {
      last = now;
      fn();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = undefined;
        last = Date.now();
        fn();
      }, wait);
    }
  };
}
