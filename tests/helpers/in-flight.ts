// Many calls "at once" with a bound on how many are in flight: a sliding window of `size` lanes, each
// taking the next call when its last one settles. The store sees the same contention as with all the
// calls started together (the window is larger than the console's pool, so calls queue for it and race
// on locks), but no call waits behind hundreds of others for a pooled connection — which on a loaded
// machine passed the pool's 5 s acquire limit and failed tests about counting, not about the pool.
export async function settleWithAtMost<T>(size: number, n: number, call: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results = new Array<PromiseSettledResult<T>>(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await call(i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, n)) }, lane));
  return results;
}

/** As Promise.all: the values in call order, or the first rejection (after every call has settled). */
export async function allWithAtMost<T>(size: number, n: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const settled = await settleWithAtMost(size, n, call);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}
