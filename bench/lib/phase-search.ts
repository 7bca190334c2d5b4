// Search of `big`'s 270,000 completed jobs for a rare data substring through Drover's cursor API
// (Bull Board has no search): time to the first match, time to the full scan, and the longest
// single Redis command meanwhile (SLOWLOG).
import { createHash } from 'node:crypto';
import { jobSummariesScript } from '@/lib/redis/lua/job-summaries-1';
import { searchChunkScript } from '@/lib/redis/lua/search-chunk-1';
import { droverOnlyRow, round, type BenchContext } from './context';
import type { HttpClient } from './http';
import { DROVER_QUEUE } from './phase-reads';
import type { Row } from './report';
import { COMPLETED, NEEDLE, NEEDLE_INDEXES } from './seed';
import { percentile, summarize } from './stats';

type SearchChunk = { matches: unknown[]; cursor: string | null; scannedSoFar: number };
type SlowlogEntry = [id: number, at: number, durationUs: number, args: string[], addr: string, name: string];

// Redis 7 also logs the commands a script runs, so a threshold of 0 would log millions of HGETs
// per search and push the long entries out of the log; 100 µs keeps every command that matters.
const SLOWLOG_THRESHOLD_US = 100;

/** EVALSHA digests of the Drover scripts a search runs, to name them in the report. */
const SCRIPT_NAMES = new Map(
  Object.entries({ 'search chunk (lib/redis/lua/search-chunk-1.ts)': searchChunkScript.lua, 'job summaries (lib/redis/lua/job-summaries-1.ts)': jobSummariesScript.lua }).map(
    ([name, lua]) => [createHash('sha1').update(lua).digest('hex'), name],
  ),
);

export async function measureSearch(ctx: BenchContext, samples: number): Promise<Row[]> {
  const { redis, drover: d, log } = ctx;
  log(`search of completed jobs' data for "${NEEDLE}" (${ctx.warmup} warm-up + ${samples} samples, SLOWLOG ≥ ${SLOWLOG_THRESHOLD_US} µs)…`);
  const searchOnce = () =>
    searchToEnd(d, (cursor) => `${DROVER_QUEUE}/search?q=${NEEDLE}&field=data&state=completed${cursor ? `&cursor=${cursor}` : ''}`, { matches: NEEDLE_INDEXES.length, scanned: COMPLETED, store: 'Redis' });
  for (let i = 0; i < ctx.warmup; i++) await searchOnce();

  const [, oldThreshold] = (await redis.config('GET', 'slowlog-log-slower-than')) as string[];
  const [, oldMaxLen] = (await redis.config('GET', 'slowlog-max-len')) as string[];
  await redis.config('SET', 'slowlog-max-len', '100000');
  await redis.config('SET', 'slowlog-log-slower-than', String(SLOWLOG_THRESHOLD_US));
  await redis.slowlog('RESET');
  const searches: Array<{ first: number; full: number; requests: number }> = [];
  const cpuBefore = await ctx.redisCpuMs();
  try {
    for (let i = 0; i < samples; i++) searches.push(await searchOnce());
  } finally {
    await redis.config('SET', 'slowlog-log-slower-than', oldThreshold);
  }
  const cpuMs = (await ctx.redisCpuMs()) - cpuBefore;
  const slowlog = (await redis.call('SLOWLOG', 'GET', '-1')) as SlowlogEntry[];
  await redis.config('SET', 'slowlog-max-len', oldMaxLen);
  await redis.slowlog('RESET');

  const none: SlowlogEntry = [0, 0, 0, ['(none above the threshold)'], '', ''];
  const longestOf = (list: SlowlogEntry[]) => list.reduce((a, b) => (b[2] > a[2] ? b : a), none);
  // The benchmark's own connection is named "bench"; commands a script runs are logged without a client name.
  const describe = (e: SlowlogEntry) => {
    const script = /^evalsha$/i.test(e[3][0] ?? '') ? SCRIPT_NAMES.get(String(e[3][1]).toLowerCase()) : undefined;
    const command = script ? `EVALSHA ${script} ${e[3].slice(3, 8).join(' ')}` : e[3].slice(0, 4).join(' ');
    return `${command}… (${e[5] ? `client ${e[5]}` : 'run by a script'})`;
  };
  const isScript = (e: SlowlogEntry) => /^eval(sha)?$/i.test(e[3][0] ?? '');
  const longest = longestOf(slowlog);
  // Slowlog durations are wall-clock: when redis-server waits for a CPU in the middle of a command,
  // the wait counts. Commands that do almost no work (an HGET inside the search script, a ZREVRANGE
  // of 200 ids) show how long such waits got; redis-server's CPU time against the summed script
  // durations shows how much of the logged time was waiting.
  const longestPlain = longestOf(slowlog.filter((e) => !isScript(e)));
  const scriptMs = slowlog.filter(isScript).map((e) => e[2] / 1000);
  const over = (ms: number) => slowlog.filter((e) => e[2] >= ms * 1000).length;
  const first = summarize(searches.map((s) => s.first));
  const full = summarize(searches.map((s) => s.full));
  log(
    `  first result p50 ${first.p50.toFixed(0)} ms, full scan p50 ${full.p50.toFixed(0)} / p95 ${full.p95.toFixed(0)} ms ` +
      `(${searches[0].requests} requests per search, redis-server CPU ${(cpuMs / samples).toFixed(0)} ms per search); ` +
      `longest command ${(longest[2] / 1000).toFixed(2)} ms: ${describe(longest)}; longest non-script command ${(longestPlain[2] / 1000).toFixed(2)} ms`,
  );
  return [
    droverOnlyRow({
      operation: `search ${COMPLETED.toLocaleString('en')} completed jobs' data: time to first result (Drover only)`,
      summary: first,
      value: round(first.p50),
      unit: 'ms',
      target: null,
      notes: `${NEEDLE_INDEXES.length} matching jobs spread over the completed set`,
    }),
    droverOnlyRow({
      operation: `search ${COMPLETED.toLocaleString('en')} completed jobs' data: full scan (Drover only)`,
      summary: full,
      value: round(full.p50),
      unit: 'ms',
      target: 1500,
      notes: `${searches[0].requests} HTTP requests per search (cursor loop); redis-server CPU ${(cpuMs / samples).toFixed(0)} ms per search`,
    }),
    droverOnlyRow({
      operation: 'search: longest single Redis command during the searches (SLOWLOG)',
      value: round(longest[2] / 1000, 3),
      unit: 'ms',
      target: 25,
      notes:
        `${describe(longest)}; over ${samples} searches ${slowlog.length} commands took ≥ ${SLOWLOG_THRESHOLD_US} µs, ${over(10)} ≥ 10 ms, ${over(25)} ≥ 25 ms (target: none ≥ 25 ms). ` +
        `Script calls logged: ${scriptMs.length}, p50 ${percentile(scriptMs, 50).toFixed(1)} ms, p99 ${percentile(scriptMs, 99).toFixed(1)} ms. ` +
        `Scheduling noise: longest non-script command ${(longestPlain[2] / 1000).toFixed(1)} ms (${describe(longestPlain)}); ` +
        `redis-server used ${(cpuMs / 1000).toFixed(2)} s of CPU during the searches, the logged script calls alone span ${(scriptMs.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} s of wall time`,
    }),
  ];
}


/**
 * One whole-queue search as the page runs it: follows the cursor to the end; the time to the first
 * match, to the end, and how many requests; throws unless it found `expected` matches in `expected` jobs.
 */
export async function searchToEnd(
  drover: HttpClient,
  url: (cursor: string | null) => string,
  expected: { matches: number; scanned: number; store: string },
): Promise<{ first: number; full: number; requests: number }> {
  const started = performance.now();
  let first: number | null = null;
  let cursor: string | null = null;
  let matches = 0;
  let requests = 0;
  let scanned = 0;
  do {
    const r: { body: SearchChunk } = await drover.get<SearchChunk>(url(cursor));
    requests += 1;
    matches += r.body.matches.length;
    if (first === null && r.body.matches.length > 0) first = performance.now() - started;
    cursor = r.body.cursor;
    scanned = r.body.scannedSoFar;
  } while (cursor);
  const full = performance.now() - started;
  if (matches !== expected.matches || scanned !== expected.scanned) {
    throw new Error(`search on ${expected.store} found ${matches} matches in ${scanned} jobs, expected ${expected.matches} in ${expected.scanned}`);
  }
  return { first: first ?? full, full, requests };
}
