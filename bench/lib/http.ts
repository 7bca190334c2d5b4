// Timed HTTP calls with keep-alive (Node's fetch): the time covers sending the request and reading
// the whole body; parsing and checking the answer happen after the clock stops.

export type Timed<T> = { ms: number; status: number; body: T; /** decoded body size */ bytes: number };

export class HttpClient {
  constructor(
    readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async timed<T = unknown>(method: string, path: string, body?: unknown): Promise<Timed<T>> {
    const init: RequestInit = {
      method,
      headers: { ...this.headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    const started = performance.now();
    const res = await fetch(this.base + path, init);
    const text = await res.text();
    const ms = performance.now() - started;
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return { ms, status: res.status, body: (text ? JSON.parse(text) : null) as T, bytes: Buffer.byteLength(text) };
  }

  get<T = unknown>(path: string): Promise<Timed<T>> {
    return this.timed<T>('GET', path);
  }
}

/** Polls `url` until it answers 2xx (or `timeoutMs` passes). */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`server for ${url} exited`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last})`);
}
