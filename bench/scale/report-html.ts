// The self-contained HTML report of `npm run bench:scale`: no script, no external file — inline SVG
// charts (one per dimension, operation and metric; Drover and Bull Board on the same axes), the
// targets as rows, the numbers behind every chart, the notes and the profiles.
import type { Curve, Point, ScaleResult } from './types';

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const DIMENSION_TITLES: Record<Curve['dimension'], string> = {
  queues: 'Number of queues',
  jobs: 'Jobs in one queue',
  payload: 'Payload size',
  clients: 'Live clients',
  replicas: 'Console replicas',
};

type Metric = { key: 'latency' | 'store_cpu_ms' | 'rss_mb'; title: string; unit: string };

function metricsOf(curve: Curve): Metric[] {
  const cpuTitle = curve.dimension === 'clients' ? 'store CPU per second of watching' : 'store CPU per request';
  return [
    { key: 'latency', title: curve.dimension === 'clients' ? 'update → every client (p50 solid, p95 dashed)' : 'latency (p50 solid, p95 dashed)', unit: 'ms' },
    { key: 'store_cpu_ms', title: cpuTitle, unit: curve.dimension === 'clients' ? 'ms/s' : 'ms' },
    { key: 'rss_mb', title: curve.dimension === 'replicas' ? 'server RSS (all replicas)' : 'server RSS', unit: 'MB' },
  ];
}

export const SERIES = [
  { id: 'drover', label: 'Drover', color: '#2563eb' },
  { id: 'bull-board', label: 'Bull Board', color: '#ea580c' },
] as const;

function formatX(curve: Curve, x: number): string {
  if (curve.dimension === 'payload') return x >= 1024 * 1024 ? `${(x / 1024 / 1024).toFixed(0)} MB` : `${(x / 1024).toFixed(0)} KB`;
  if (x >= 1_000_000) return `${(x / 1_000_000).toFixed(x % 1_000_000 ? 1 : 0)}M`;
  if (x >= 10_000) return `${(x / 1000).toFixed(0)}k`;
  return x.toLocaleString('en');
}

const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(digits));

/** One SVG line chart: both servers, one metric, x = the dimension's sizes. */
function chart(curve: Curve, metric: Metric): string {
  const W = 360;
  const H = 220;
  const pad = { l: 52, r: 12, t: 26, b: 38 };
  const xs = [...new Set([...curve.drover, ...curve.peer].map((p) => p.x))].sort((a, b) => a - b);
  const log = xs.length > 1 && xs[xs.length - 1] / xs[0] >= 10;
  const xPos = (x: number) => {
    if (xs.length === 1) return pad.l + (W - pad.l - pad.r) / 2;
    const [lo, hi] = [xs[0], xs[xs.length - 1]];
    const t = log ? (Math.log(x) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (x - lo) / (hi - lo);
    return pad.l + t * (W - pad.l - pad.r);
  };
  type Line = { series: (typeof SERIES)[number]; dashed: boolean; suffix: string; values: Array<[number, number]> };
  const lines: Line[] = [];
  for (const series of SERIES) {
    const points: Point[] = series.id === 'drover' ? curve.drover : curve.peer;
    const pick = (p: Point, which: 'p50' | 'p95') => (metric.key === 'latency' ? (which === 'p50' ? p.p50_ms : p.p95_ms) : p[metric.key]);
    lines.push({ series, dashed: false, suffix: '', values: points.filter((p) => pick(p, 'p50') !== null).map((p) => [p.x, pick(p, 'p50')!]) });
    if (metric.key === 'latency') lines.push({ series, dashed: true, suffix: '-p95', values: points.filter((p) => pick(p, 'p95') !== null).map((p) => [p.x, pick(p, 'p95')!]) });
  }
  const max = Math.max(1e-9, ...lines.flatMap((l) => l.values.map(([, v]) => v)));
  const yPos = (v: number) => H - pad.b - (v / (max * 1.1)) * (H - pad.t - pad.b);
  const ticks = [0, max / 2, max].map((v) => `<g class="tick"><line x1="${pad.l}" x2="${W - pad.r}" y1="${yPos(v).toFixed(1)}" y2="${yPos(v).toFixed(1)}"/><text x="${pad.l - 6}" y="${(yPos(v) + 4).toFixed(1)}" text-anchor="end">${esc(fmt(v))}</text></g>`);
  const xTicks = xs.map((x) => `<text x="${xPos(x).toFixed(1)}" y="${H - pad.b + 16}" text-anchor="middle">${esc(formatX(curve, x))}</text>`);
  const body = lines
    .map((l) => {
      const pts = l.values.map(([x, v]) => `${xPos(x).toFixed(1)},${yPos(v).toFixed(1)}`).join(' ');
      const dots = l.values
        .map(([x, v]) => `<circle cx="${xPos(x).toFixed(1)}" cy="${yPos(v).toFixed(1)}" r="3" fill="${l.series.color}"><title>${esc(`${l.series.label}${l.dashed ? ' p95' : metric.key === 'latency' ? ' p50' : ''} at ${formatX(curve, x)} ${curve.xLabel}: ${fmt(v, 2)} ${metric.unit}`)}</title></circle>`)
        .join('');
      return `<g data-series="${l.series.id}${l.suffix}" data-points="${l.values.length}"><polyline fill="none" stroke="${l.series.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="5 4"' : ''} points="${pts}"/>${dots}</g>`;
    })
    .join('');
  const legend = SERIES.map((s, i) => `<g transform="translate(${pad.l + i * 100},${12})"><rect width="12" height="3" y="-4" fill="${s.color}"/><text x="16" y="0">${s.label}</text></g>`).join('');
  return `<figure class="chart-box"><figcaption>${esc(metric.title)} <span class="unit">(${esc(metric.unit)})</span></figcaption>
<svg class="chart" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" data-store="${curve.store}" data-dimension="${curve.dimension}" data-metric="${metric.key}" aria-label="${esc(`${curve.operation}: ${metric.title}`)}">
<g class="grid">${ticks.join('')}</g>${xTicks.join('')}<text class="axis" x="${(W + pad.l) / 2}" y="${H - 6}" text-anchor="middle">${esc(curve.xLabel)}${log ? ' (log scale)' : ''}</text>${legend}${body}</svg></figure>`;
}

function dataTable(curve: Curve): string {
  const xs = [...new Set([...curve.drover, ...curve.peer].map((p) => p.x))].sort((a, b) => a - b);
  const cell = (p: Point | undefined, digits = 1) =>
    p ? `<td>${fmt(p.p50_ms, digits)}</td><td>${fmt(p.p95_ms, digits)}</td><td>${fmt(p.store_cpu_ms, 2)}</td><td>${fmt(p.rss_mb, 0)}</td>` : '<td>—</td><td>—</td><td>—</td><td>—</td>';
  const extra = (p: Point | undefined) =>
    p?.extra ? Object.entries(p.extra).map(([k, v]) => `${esc(k)}=${esc(v)}`).join(', ') : p?.bytes ? `${p.bytes.toLocaleString('en')} bytes` : '';
  const rows = xs.map((x) => {
    const d = curve.drover.find((p) => p.x === x);
    const p = curve.peer.find((q) => q.x === x);
    return `<tr><th>${esc(formatX(curve, x))}</th>${cell(d)}${cell(p)}<td class="extra">${extra(d)}${extra(p) ? ` · Bull Board: ${extra(p)}` : ''}</td><td>${d?.samples ?? '—'}/${p?.samples ?? '—'}</td></tr>`;
  });
  const cpuUnit = curve.dimension === 'clients' ? 'ms/s' : 'ms/req';
  return `<table class="data"><thead><tr><th rowspan="2">${esc(curve.xLabel)}</th><th colspan="4">Drover</th><th colspan="4">Bull Board</th><th rowspan="2">extra</th><th rowspan="2">samples</th></tr>
<tr><th>p50 ms</th><th>p95 ms</th><th>store CPU ${cpuUnit}</th><th>RSS MB</th><th>p50 ms</th><th>p95 ms</th><th>store CPU ${cpuUnit}</th><th>RSS MB</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderReport(result: ScaleResult): string {
  const storeLabel = (kind: string) => result.stores.find((s) => s.kind === kind)?.label ?? kind;
  const targets = result.targets
    .map(
      (t) =>
        `<tr class="${t.met === null ? 'na' : t.met ? 'met' : 'missed'}"><td>${t.met === null ? '—' : t.met ? 'met' : 'MISSED'}</td><td>${esc(t.store)}</td><td>${esc(t.target)}</td><td>${esc(t.measured)}</td><td>${esc(t.threshold)}</td></tr>`,
    )
    .join('');
  const sections: string[] = [];
  for (const dimension of Object.keys(DIMENSION_TITLES) as Curve['dimension'][]) {
    const curves = result.curves.filter((c) => c.dimension === dimension);
    if (!curves.length) continue;
    const blocks = curves.map(
      (c) => `<section class="curve" data-store="${c.store}" data-dimension="${c.dimension}">
<h3>${esc(c.operation)} <span class="store">${esc(storeLabel(c.store))}</span></h3>
<p class="calls">Drover: <code>${esc(c.drover_call)}</code> · Bull Board: <code>${esc(c.peer_call)}</code></p>
<div class="charts">${metricsOf(c).map((m) => chart(c, m)).join('')}</div>
${dataTable(c)}${c.notes ? `<p class="note">${esc(c.notes)}</p>` : ''}</section>`,
    );
    sections.push(`<h2 id="${dimension}">${esc(DIMENSION_TITLES[dimension])}</h2>${blocks.join('\n')}`);
  }
  const profiles = Object.entries(result.profiles)
    .map(([name, text]) => `<h3>${esc(name)}</h3><pre>${esc(text)}</pre>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drover vs Bull Board as the work grows${result.quick ? ' (quick run)' : ''}</title>
<style>
:root { color-scheme: light dark; --fg: #111827; --bg: #ffffff; --muted: #6b7280; --grid: #e5e7eb; --met: #dcfce7; --missed: #fee2e2; }
@media (prefers-color-scheme: dark) { :root { --fg: #e5e7eb; --bg: #0b1020; --muted: #9ca3af; --grid: #1f2937; --met: #052e16; --missed: #450a0a; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 24px auto; max-width: 1180px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { margin-top: 36px; border-bottom: 1px solid var(--grid); } h3 { margin: 20px 0 4px; font-size: 15px; }
.store { color: var(--muted); font-weight: normal; } .calls, .note, .meta { color: var(--muted); margin: 2px 0 8px; } code { font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; } figure { margin: 0; } figcaption { font-size: 12px; color: var(--muted); }
svg.chart text { font-size: 10px; fill: var(--fg); } svg.chart .tick line { stroke: var(--grid); } svg.chart text.axis { fill: var(--muted); }
table { border-collapse: collapse; margin: 8px 0; font-size: 12px; } td, th { border: 1px solid var(--grid); padding: 3px 6px; text-align: right; }
td:nth-child(3), td:nth-child(4), th:first-child, td.extra { text-align: left; } table.targets td, table.targets th { text-align: left; }
tr.met td:first-child { background: var(--met); } tr.missed td:first-child { background: var(--missed); font-weight: 600; }
pre { background: var(--grid); padding: 8px; overflow-x: auto; font-size: 12px; }
</style></head><body>
<h1>Drover vs Bull Board as the work grows${result.quick ? ' — quick run (tiny sizes, not for conclusions)' : ''}</h1>
<p class="meta">${esc(result.started)} · ${result.seconds} s · ${result.machine.cpus} CPUs · Node ${esc(result.machine.node)} · ${result.stores.map((s) => esc(s.label)).join(' and ')} · load average ${result.machine.load_start.join(' ')} at the start, ${result.machine.load_end.join(' ')} at the end.
Each server runs as its own process on the same store; every sample alternates the two (the order flips every round); store CPU is read from the store's server processes around every measured sample.</p>
<nav>${Object.entries(DIMENSION_TITLES).map(([k, v]) => `<a href="#${k}">${esc(v)}</a>`).join(' · ')} · <a href="#targets">Targets</a> · <a href="#profiles">Profiles</a></nav>
<h2 id="targets">Targets</h2>
<table class="targets"><thead><tr><th>met</th><th>store</th><th>target</th><th>measured</th><th>threshold</th></tr></thead><tbody>${targets}</tbody></table>
${result.notes.length ? `<ul class="notes">${result.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${sections.join('\n')}
<h2 id="profiles">Profiles</h2>
${profiles || '<p class="meta">No profile in this run (a quick run takes none).</p>'}
</body></html>
`;
}
