// Reads a V8 CPU profile (`node --cpu-prof` writes one .cpuprofile per process on exit) and says
// where the time went: self time per function (the top frames with file:line) and per category —
// Drover's own code, Next.js, React, the store clients, Node's internals, GC, idle and the rest.
import fs from 'node:fs';
import path from 'node:path';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] };

export const CATEGORIES = ['drover', 'nextjs', 'react', 'storeClients', 'node', 'v8', 'gc', 'idle', 'program', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

const LABELS: Record<Category, string> = {
  drover: 'Drover (app/, lib/, scripts/ and the server bundle built from them)',
  nextjs: 'Next.js (node_modules/next)',
  react: 'React (react, react-dom, incl. Next’s compiled copies)',
  storeClients: 'store clients (ioredis, bullmq, pg)',
  node: 'Node internals (node:)',
  v8: 'V8 builtins and native code (no script)',
  gc: 'garbage collection',
  idle: 'idle',
  program: 'program (native, outside JavaScript)',
  other: 'other dependencies',
};

/** The category of one frame, from its script URL and (for V8's pseudo-frames) its name. */
export function categoryOf(frame: Pick<CallFrame, 'functionName' | 'url'>): Category {
  const name = frame.functionName;
  const url = frame.url.replace(/^file:\/\//, '').replace(/\\/g, '/');
  if (!url) {
    if (name === '(garbage collector)') return 'gc';
    if (name === '(idle)') return 'idle';
    if (name === '(program)' || name === '(root)') return 'program';
    return 'v8';
  }
  if (url.startsWith('node:')) return 'node';
  if (/\/node_modules\/(react|react-dom|scheduler)\//.test(url) || /\/next\/dist\/compiled\/(react|react-dom|react-server-dom-[^/]+|scheduler)[^/]*\//.test(url)) return 'react';
  if (url.includes('/node_modules/next/')) return 'nextjs';
  if (/\/node_modules\/(ioredis|@ioredis\/[^/]+|redis-parser|redis-errors|cluster-key-slot|bullmq|pg|pg-[^/]+|pgpass|postgres-[^/]+)\//.test(url)) return 'storeClients';
  if (url.includes('/node_modules/')) return 'other';
  // The production build: webpack bundles app/ and lib/ into .next*/server/ (chunks and route files).
  if (/\/\.next[^/]*\/server\//.test(url) || /\/(app|lib|scripts|workers|components)\//.test(url)) return 'drover';
  return 'other';
}

/**
 * Drover's domain and route code: lib/ and app/ sources, or in a production build the server chunks
 * webpack made of them — which also hold the dependencies bundled with them (next-auth, zod, and Next's
 * own helpers such as its response piping). Not the custom server in scripts/ (under every request),
 * not the route entry files in .next/server/app/ (Next's route template) nor webpack's loader.
 */
function isDroverCode(rawUrl: string): boolean {
  const url = rawUrl.replace(/^file:\/\//, '').replace(/\\/g, '/');
  if (url.includes('/node_modules/')) return false;
  if (/\/\.next[^/]*\/server\//.test(url)) return /\/\.next[^/]*\/server\/chunks\//.test(url);
  return /\/(app|lib)\/[^/]/.test(url);
}

/**
 * Self time (µs) per profile node, from the samples and their time deltas (as DevTools computes it);
 * with a window (µs after the profile's start), only the samples that start within it.
 */
function selfTimes(profile: CpuProfile, window: { from: number; to: number }): Map<number, number> {
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length > 0 && deltas.length === samples.length) {
    // Sample i runs from its timestamp to the next one's; the last one until endTime.
    let t = profile.startTime;
    const stamps = deltas.map((d) => (t += d));
    for (let i = 0; i < samples.length; i++) {
      const at = stamps[i] - profile.startTime;
      if (at < window.from || at >= window.to) continue;
      const end = i + 1 < stamps.length ? stamps[i + 1] : Math.max(profile.endTime, stamps[i]);
      self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, end - stamps[i]));
    }
    return self;
  }
  // No sample list: spread the duration over hit counts.
  const hits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const per = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
  for (const n of profile.nodes) if (n.hitCount) self.set(n.id, n.hitCount * per);
  return self;
}

function location(frame: CallFrame, root: string): string {
  if (!frame.url) return '(native)';
  let url = frame.url.replace(/^file:\/\//, '');
  if (path.isAbsolute(url)) url = path.relative(root, url) || url;
  // lineNumber and columnNumber are 0-based in the profile.
  return `${url}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
}

const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);
const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;

export type SummaryOptions = {
  /** paths are shown relative to this directory (default: the current one) */
  root?: string;
  /**
   * Only the samples taken from `fromMs` to `toMs` after the profile started (the process start with
   * --cpu-prof): e.g. leave out the server's start-up, which loads every module once.
   */
  fromMs?: number;
  toMs?: number;
};

/**
 * Summary of one .cpuprofile: `text` lists the `top` functions by self time (name, file:line, ms, %)
 * and the categories; `categories` gives each category's share of the profile's sampled time in
 * percent (0–100; every category present, summing to 100 when anything was sampled).
 */
export function summarizeCpuProfile(file: string, top = 15, opts: SummaryOptions = {}): { text: string; categories: Record<string, number> } {
  const root = opts.root ?? process.cwd();
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = selfTimes(profile, { from: (opts.fromMs ?? 0) * 1000, to: opts.toMs === undefined ? Infinity : opts.toMs * 1000 });
  const total = [...self.values()].reduce((a, b) => a + b, 0);

  // One row per function (the same function appears under many call paths).
  const perFunction = new Map<string, { frame: CallFrame; us: number }>();
  const perCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const f = node.callFrame;
    const key = `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
    const row = perFunction.get(key) ?? { frame: f, us: 0 };
    row.us += us;
    perFunction.set(key, row);
    perCategory[categoryOf(f)] += us;
  }

  const busy = total - perCategory.idle;
  // Inclusive: time in stacks that pass through Drover's own code (lib/, app/ — in a build, the server
  // chunks), whatever it called: what Drover causes, as against the framework around it.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const underDrover = new Map<number, boolean>();
  const isUnderDrover = (id: number): boolean => {
    const known = underDrover.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const value = node !== undefined && (isDroverCode(node.callFrame.url) || (up !== undefined && isUnderDrover(up)));
    underDrover.set(id, value);
    return value;
  };
  let droverInclusive = 0;
  for (const [id, us] of self) if (isUnderDrover(id)) droverInclusive += us;
  const lines: string[] = [];
  const window = opts.fromMs !== undefined || opts.toMs !== undefined ? ` (from ${opts.fromMs ?? 0} ms to ${opts.toMs ?? 'the end'}${opts.toMs === undefined ? '' : ' ms'} after start)` : '';
  lines.push(`CPU profile ${path.basename(file)}${window}: ${ms(total)} sampled, ${ms(busy)} not idle (${pct(busy, total).toFixed(1)}%)`);
  lines.push('');
  lines.push(`Top ${top} functions by self time (% of not-idle time):`);
  const rows = [...perFunction.values()].filter((r) => categoryOf(r.frame) !== 'idle').sort((a, b) => b.us - a.us).slice(0, top);
  for (const r of rows) {
    const name = r.frame.functionName || '(anonymous)';
    lines.push(`  ${pct(r.us, busy).toFixed(1).padStart(5)}%  ${ms(r.us).padStart(10)}  ${name}  ${location(r.frame, root)}  [${categoryOf(r.frame)}]`);
  }
  lines.push('');
  lines.push('Self time by category (% of all sampled time; % of not-idle time):');
  for (const c of [...CATEGORIES].sort((a, b) => perCategory[b] - perCategory[a])) {
    if (perCategory[c] === 0) continue;
    const ofBusy = c === 'idle' ? '' : `; ${pct(perCategory[c], busy).toFixed(1)}% of not idle`;
    lines.push(`  ${pct(perCategory[c], total).toFixed(1).padStart(5)}%  ${ms(perCategory[c]).padStart(10)}  ${LABELS[c]}${ofBusy}`);
  }

  lines.push('');
  lines.push(`Stacks through Drover's code (lib/, app/ or the server chunks built from them; all it calls included, synchronously): ${ms(droverInclusive)}, ${pct(droverInclusive, busy).toFixed(1)}% of not idle`);

  const categories: Record<string, number> = {};
  for (const c of CATEGORIES) categories[c] = Number(pct(perCategory[c], total).toFixed(2));
  return { text: lines.join('\n'), categories };
}
