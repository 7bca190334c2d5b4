'use client';
// One EventSource per page to /api/v1/events, reconnecting with backoff; feeds events to the page
// and health/status to the shared live store. Paused (live-store.ts): the EventSource is closed, so
// nothing is buffered or applied; on Resume it reconnects and, once open, refetches the page's queries.
import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { LiveEvent } from '@/lib/events/live-event';
import { setLiveState, useLivePaused } from './live-store';

export function useLiveEvents(opts: { queues?: Array<{ conn: string; queue: string }>; overview?: boolean }, onEvent: (e: LiveEvent) => void) {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  const key = JSON.stringify([opts.queues ?? [], Boolean(opts.overview)]);
  const paused = useLivePaused();
  const queryClient = useQueryClient();
  // Set while paused: the first stream opened after Resume refreshes what the pause left behind.
  const resumed = useRef(false);
  useEffect(() => {
    if (paused) {
      resumed.current = true;
      setLiveState({ status: 'paused' });
      return () => setLiveState({ status: 'off' });
    }
    const [queues, overview] = JSON.parse(key) as [Array<{ conn: string; queue: string }>, boolean];
    const params = new URLSearchParams();
    for (const q of queues) params.append('queue', `${q.conn}/${q.queue}`);
    if (overview) params.set('overview', '1');
    let source: EventSource | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const catchUp = () => {
      if (!resumed.current) return;
      resumed.current = false;
      void queryClient.invalidateQueries();
    };
    const connect = () => {
      setLiveState({ status: attempt === 0 ? 'connecting' : 'reconnecting' });
      source = new EventSource(`/api/v1/events?${params.toString()}`);
      source.onopen = () => {
        attempt = 0;
        setLiveState({ status: 'live' });
        catchUp();
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
        // The stream is down after a Resume: refresh anyway (the page polls while it is down).
        catchUp();
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
  }, [key, paused, queryClient]);
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
