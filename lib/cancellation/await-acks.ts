// The one ack-polling loop of the console's requests to worker runtimes (cancel requests, control
// commands): read the acks every 25 ms until enough answered, `done` says so, or the time is up.
import type { z } from 'zod';

const POLL_MS = 25;

export async function awaitAcks<T>(opts: {
  read: (max: number) => Promise<string[]>;
  schema: z.ZodType<T>;
  /** processes that got the request: no more acks will come */
  expected: number;
  /** read at most this many acks */
  max: number;
  timeoutMs: number;
  /** stop early (e.g. one process cancelled the job) */
  done?: (acks: T[]) => boolean;
}): Promise<T[]> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const raw = await opts.read(Math.min(opts.expected, opts.max));
    const acks = raw.flatMap((item) => {
      try {
        const parsed = opts.schema.safeParse(JSON.parse(item));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
    if (opts.done?.(acks) || acks.length >= opts.expected || Date.now() >= deadline) return acks;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
