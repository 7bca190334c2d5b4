/** Polls `check` until it returns a truthy value (returned) or the timeout passes (throws). */
export async function waitFor<T>(check: () => T | Promise<T>, { timeout = 10_000, interval = 25, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
