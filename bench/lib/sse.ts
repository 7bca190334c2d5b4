// A minimal Server-Sent Events client on fetch's streaming body: calls `onData` with each parsed
// `data:` payload the moment its event is complete.

export type SseClient = {
  /** resolves when the server's first bytes (": connected") arrived */
  connected: Promise<void>;
  close: () => void;
  closed: Promise<void>;
};

export function openSse(url: string, headers: Record<string, string>, onData: (data: unknown, receivedAt: number) => void): SseClient {
  const controller = new AbortController();
  let markConnected!: () => void;
  let failConnected!: (err: Error) => void;
  const connected = new Promise<void>((resolve, reject) => {
    markConnected = resolve;
    failConnected = reject;
  });
  const closed = (async () => {
    try {
      const res = await fetch(url, { headers: { ...headers, Accept: 'text/event-stream' }, signal: controller.signal });
      if (!res.ok || !res.body) throw new Error(`SSE ${url} answered ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let first = true;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const receivedAt = performance.now();
        if (first) {
          first = false;
          markConnected();
        }
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (data) onData(JSON.parse(data), receivedAt);
        }
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') failConnected(err as Error);
    }
  })();
  return { connected, close: () => controller.abort(), closed };
}
