// Result rows of the benchmark: the JSON written to bench/results/latest.json and the printed table.

export type Row = {
  operation: string;
  drover_p50_ms: number | null;
  drover_p95_ms: number | null;
  peer_p50_ms: number | null;
  peer_p95_ms: number | null;
  /** Drover p50 / peer p50, or the measured value (unit in `unit`) for rows without a peer */
  ratio: number;
  /** the number `ratio` must not exceed (or, with higher_is_better, must reach); null = informational */
  target: number | null;
  unit?: string;
  higher_is_better?: boolean;
  samples?: { drover?: number; peer?: number };
  /** mean redis-server CPU time (user + sys) per measured request of each side */
  drover_redis_cpu_ms?: number;
  peer_redis_cpu_ms?: number;
  /** decoded size of one response of each side */
  drover_response_bytes?: number;
  peer_response_bytes?: number;
  met?: boolean | null;
  notes?: string;
  /** set when the row could not be measured: why (printed instead of the value; `met` is null) */
  not_measured?: string;
};

export function judged(row: Row): Row {
  const met = row.not_measured || row.target === null ? null : row.higher_is_better ? row.ratio >= row.target : row.ratio <= row.target;
  return { ...row, met };
}

const ms = (v: number | null) => (v === null ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function ratioText(row: Row): string {
  if (row.not_measured) return `not measured: ${row.not_measured}`;
  if (row.unit === 'ratio' || row.unit === undefined) return `${row.ratio.toFixed(3)}×`;
  return `${row.ratio >= 100 ? row.ratio.toFixed(0) : row.ratio.toFixed(2)} ${row.unit}`;
}

function targetText(row: Row): string {
  if (row.target === null) return '—';
  const value = row.unit === 'ratio' || row.unit === undefined ? `${row.target}×` : `${row.target} ${row.unit}`;
  return `${row.higher_is_better ? '≥' : '≤'} ${value}`;
}

export function formatTable(rows: Row[]): string {
  const header = ['operation', 'Drover p50 ms', 'Drover p95 ms', 'Bull Board p50 ms', 'Bull Board p95 ms', 'ratio / value', 'target', 'met'];
  const lines = rows.map((r) => [
    r.operation,
    ms(r.drover_p50_ms),
    ms(r.drover_p95_ms),
    ms(r.peer_p50_ms),
    ms(r.peer_p95_ms),
    ratioText(r),
    targetText(r),
    r.met === null || r.met === undefined ? '—' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w, i) => (i === 0 ? ':' : '-') + '-'.repeat(w) + (i === 0 ? '-' : ':')).join('|')}|`, ...lines.map(fmt)].join('\n');
}

/** Where the time of the A/B rows goes: Redis CPU per request and response sizes of each side. */
export function formatDetails(rows: Row[]): string {
  const ab = rows.filter((r) => r.drover_redis_cpu_ms !== undefined);
  const header = ['operation', 'Drover Redis CPU ms/req', 'Bull Board Redis CPU ms/req', 'Drover response bytes', 'Bull Board response bytes'];
  const cell = (v: number | undefined) => (v === undefined ? '—' : String(v));
  const lines = ab.map((r) => [r.operation, cell(r.drover_redis_cpu_ms), cell(r.peer_redis_cpu_ms), cell(r.drover_response_bytes), cell(r.peer_response_bytes)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w, i) => (i === 0 ? ':' : '-') + '-'.repeat(w) + (i === 0 ? '-' : ':')).join('|')}|`, ...lines.map(fmt)].join('\n');
}
