import { stretchingDeadline } from './load';

/**
 * Polls `check` until it returns a truthy value (returned) or the timeout passes (throws). The timeout
 * stretches with the machine's load (tests/helpers/load.ts): a busy machine extends it, never fails it sooner.
 */
export async function waitFor<T>(check: () => T | Promise<T>, { timeout = 10_000, interval = 25, what = 'condition' } = {}): Promise<T> {
  const deadline = stretchingDeadline(timeout);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (deadline.passed()) throw new Error(`timed out after ${deadline.waitedMs()} ms (${timeout} ms stretched to ${deadline.allowedMs()} by load) waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
