// Pages in a real browser (Chromium at 1440×900), A/B against Bull Board's UI on the same data: the
// overview, the failed jobs of the 400,000-job queue, and one job. For each page load two times from
// the navigation's start, both read with the page's own clock:
//   first row    — the first element that carries the answer (a queue row, a job row, the job's title)
//                  is in the DOM, seen by a MutationObserver installed before any script of the page;
//   interactive  — a TTI-like reading: the latest of first row, the end of the last long task (≥ 50 ms
//                  of main-thread work) and the end of the last request, once 500 ms pass with no long
//                  task, no request in flight and the first row present. Live streams (EventSource)
//                  and Bull Board's 5 s polling after that quiet window are not counted.
// The browser's HTTP cache is warm (a returning operator); each sample is a new tab.
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { round, sleep, type BenchContext } from './context';
import type { Row } from './report';
import { BIG } from './seed';
import { summarize, type Summary } from './stats';

const QUIET_MS = 500;
const PAGE_TIMEOUT_MS = 60_000;

type Target = { url: string; firstRow: string };
type PageCase = { name: string; drover: Target; peer: Target; firstRowTarget: number; interactiveTarget: number };
type Reading = { firstRow: number; interactive: number };

/**
 * Runs in the page before its own scripts: records when `selector` first matches, and long tasks.
 * A string, not a function: the TypeScript loader decorates functions with helpers the page lacks.
 */
function probeScript(selector: string): string {
  return `(() => {
    const b = (window.__bench = { firstRow: null, lastLongTaskEnd: 0, longTasks: 0 });
    const selector = ${JSON.stringify(selector)};
    const observer = new MutationObserver(() => {
      if (b.firstRow === null && document.querySelector(selector)) {
        b.firstRow = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          b.longTasks += 1;
          (b.tasks ||= []).push([Math.round(e.startTime), Math.round(e.duration)]);
          b.lastLongTaskEnd = Math.max(b.lastLongTaskEnd, e.startTime + e.duration);
        }
      }).observe({ type: 'longtask', buffered: true });
    } catch {}
  })();`;
}

async function loadOnce(context: BrowserContext, base: string, target: Target): Promise<Reading> {
  const page: Page = await context.newPage();
  try {
    await page.addInitScript({ content: probeScript(target.firstRow) });
    // Requests in flight, seen from outside the page; live streams never end and are not waited for.
    let inFlight = 0;
    const counted = new WeakSet<object>();
    page.on('request', (r) => {
      if (r.resourceType() === 'eventsource' || r.url().includes('/api/v1/events')) return;
      counted.add(r);
      inFlight += 1;
    });
    const done = (r: object) => {
      if (counted.has(r)) {
        counted.delete(r);
        inFlight -= 1;
      }
    };
    page.on('requestfinished', done);
    if (process.env.BENCH_PAGES_DEBUG) page.on('request', (r) => console.error(`  request ${r.resourceType()} ${r.url()}`));
    page.on('requestfailed', done);
    await page.goto(base + target.url, { waitUntil: 'commit', timeout: PAGE_TIMEOUT_MS });
    const deadline = Date.now() + PAGE_TIMEOUT_MS;
    let last: unknown = null;
    for (;;) {
      if (Date.now() > deadline) {
        throw new Error(`${base}${target.url}: no "${target.firstRow}" or no quiet ${QUIET_MS} ms within ${PAGE_TIMEOUT_MS} ms (${inFlight} requests in flight: ${JSON.stringify(last)})`);
      }
      const state = await page.evaluate((selector) => {
        const b = (window as unknown as { __bench?: { firstRow: number | null; lastLongTaskEnd: number } }).__bench;
        const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const lastResourceEnd = resources.filter((r) => !r.name.includes('/api/v1/events')).reduce((m, r) => Math.max(m, r.responseEnd), 0);
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        return {
          now: performance.now(),
          firstRow: b?.firstRow ?? null,
          matchesNow: Boolean(document.querySelector(selector)),
          lastLongTaskEnd: b?.lastLongTaskEnd ?? 0,
          lastResourceEnd,
          navEnd: nav?.responseEnd ?? 0,
          links: [...document.querySelectorAll('main a')].slice(0, 5).map((a) => a.getAttribute('href')),
        };
      }, target.firstRow);
      last = state;
      if (state.firstRow !== null && inFlight === 0) {
        const busyUntil = Math.max(state.firstRow, state.lastLongTaskEnd, state.lastResourceEnd, state.navEnd);
        if (state.now - busyUntil >= QUIET_MS) {
          if (process.env.BENCH_PAGES_DEBUG) {
            const detail = await page.evaluate(() => ({
              tasks: (window as unknown as { __bench: { tasks?: number[][] } }).__bench.tasks ?? [],
              resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => `${Math.round(r.startTime)}-${Math.round(r.responseEnd)} ${r.name.replace(/^https?:\/\/[^/]+/, '')}`),
            }));
            console.error(`  ${target.url}: first row ${state.firstRow.toFixed(0)}, interactive ${busyUntil.toFixed(0)}, nav ${state.navEnd.toFixed(0)}; long tasks ${JSON.stringify(detail.tasks)}\n    ${detail.resources.join('\n    ')}`);
          }
          return { firstRow: state.firstRow, interactive: busyUntil };
        }
      }
      await sleep(50);
    }
  } finally {
    await page.close();
  }
}

async function signInDrover(context: BrowserContext, base: string, email: string, password: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: PAGE_TIMEOUT_MS });
  await page.close();
}

function pageRows(c: PageCase, drover: Reading[], peer: Reading[]): Row[] {
  const row = (what: 'firstRow' | 'interactive', target: number): Row => {
    const d: Summary = summarize(drover.map((r) => r[what]));
    const p: Summary = summarize(peer.map((r) => r[what]));
    return {
      operation: `page: ${c.name} — ${what === 'firstRow' ? 'first row' : 'interactive'} (Chromium)`,
      drover_p50_ms: round(d.p50),
      drover_p95_ms: round(d.p95),
      peer_p50_ms: round(p.p50),
      peer_p95_ms: round(p.p95),
      ratio: round(d.p50, 1),
      target,
      unit: 'ms',
      samples: { drover: d.n, peer: p.n },
      notes: `Drover p50 / Bull Board p50 = ${(d.p50 / p.p50).toFixed(2)}×`,
    };
  };
  return [row('firstRow', c.firstRowTarget), row('interactive', c.interactiveTarget)];
}

export async function measurePages(
  ctx: BenchContext & { droverBase: string; peerBase: string; user: { email: string; password: string } },
  samples: number,
): Promise<Row[]> {
  const { redis, log } = ctx;
  const failedId = (await redis.zrevrange(`bull:${BIG}:failed`, 0, 0))[0];
  const jobId = (await redis.zrevrange(`bull:${BIG}:completed`, 1000, 1000))[0];
  const queuePath = `/connections/default/queues/${BIG}`;
  const cases: PageCase[] = [
    {
      name: 'overview (51 queues)',
      drover: { url: '/', firstRow: `[data-testid="overview-table"] tbody tr a[href="${queuePath}"]` },
      peer: { url: '/', firstRow: `main a[href="/queue/${BIG}"]` },
      firstRowTarget: 500,
      interactiveTarget: 1000,
    },
    {
      name: `failed jobs of "${BIG}" (400,000 jobs)`,
      drover: { url: `${queuePath}?state=failed`, firstRow: `[data-testid="jobs-table"] tbody tr a[href="${queuePath}/jobs/${failedId}"]` },
      peer: { url: `/queue/${BIG}?status=failed`, firstRow: `main span[class*="jobId"]` },
      firstRowTarget: 500,
      interactiveTarget: 1000,
    },
    {
      name: 'one job',
      drover: { url: `${queuePath}/jobs/${jobId}`, firstRow: '[data-testid="job-name"]' },
      peer: { url: `/queue/${BIG}/${jobId}`, firstRow: `main span[class*="jobId"]` },
      firstRowTarget: 500,
      interactiveTarget: 1000,
    },
  ];

  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const viewport = { width: 1440, height: 900 };
    const droverContext = await browser.newContext({ viewport });
    const peerContext = await browser.newContext({ viewport });
    await signInDrover(droverContext, ctx.droverBase, ctx.user.email, ctx.user.password);
    const rows: Row[] = [];
    for (const c of cases) {
      log(`page ${c.name}: ${ctx.warmup} warm-up loads per side, then ${samples} alternating…`);
      for (let i = 0; i < ctx.warmup; i++) {
        await loadOnce(droverContext, ctx.droverBase, c.drover);
        await loadOnce(peerContext, ctx.peerBase, c.peer);
      }
      const drover: Reading[] = [];
      const peer: Reading[] = [];
      for (let i = 0; i < samples; i++) {
        const order = i % 2 === 0 ? ['drover', 'peer'] : ['peer', 'drover'];
        for (const side of order) {
          if (side === 'drover') drover.push(await loadOnce(droverContext, ctx.droverBase, c.drover));
          else peer.push(await loadOnce(peerContext, ctx.peerBase, c.peer));
        }
      }
      const r = pageRows(c, drover, peer);
      log(`  first row p50 ${r[0].drover_p50_ms} ms vs ${r[0].peer_p50_ms} ms; interactive p50 ${r[1].drover_p50_ms} ms vs ${r[1].peer_p50_ms} ms`);
      rows.push(...r);
    }
    return rows;
  } finally {
    await browser.close();
  }
}
