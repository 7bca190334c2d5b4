// Turns BullMQ's per-minute metrics (recorded by workers with `metrics` enabled) into counts per
// minute ending now. BullMQ keeps {count, prevTS, prevCount} plus a list of closed-minute deltas,
// newest first; the minute of prevTS is still open and holds count - prevCount.

export type MetricsMeta = { count: number; prevTS: number; prevCount: number } | null;

// One all-zero series per length, shared: an overview of thousands of queues without BullMQ metrics
// would otherwise allocate two 60-point arrays per queue on every read. Readers never change a series.
// (Not frozen: V8's slice and reduce on a frozen array are ~20× slower than on a plain one.)
const ZERO_SERIES = new Map<number, number[]>();
function zeroSeries(minutes: number): number[] {
  let series = ZERO_SERIES.get(minutes);
  if (!series) {
    series = new Array<number>(minutes).fill(0);
    ZERO_SERIES.set(minutes, series);
  }
  return series;
}

/** counts[0] is the current minute, counts[i] the minute i minutes ago. (Without metrics: all zeros, an array shared by every caller — read it, never change it.) */
export function minuteSeries(meta: MetricsMeta, data: number[], now: number, minutes: number): number[] {
  if (!meta || !meta.prevTS) return zeroSeries(minutes);
  const series = new Array<number>(minutes).fill(0);
  const nowMinute = Math.floor(now / 60000);
  const openMinute = Math.floor(meta.prevTS / 60000);
  const place = (minute: number, value: number) => {
    const index = nowMinute - minute;
    if (index >= 0 && index < minutes) series[index] += value;
  };
  place(openMinute, Math.max(0, meta.count - meta.prevCount));
  data.forEach((value, i) => place(openMinute - 1 - i, value));
  return series;
}

export type Throughput = {
  /** jobs finished in about the last 60 s (current minute plus the elapsed share of the previous) */
  lastMinute: number;
  lastHour: number;
};

export function throughputOf(series: number[], now: number): Throughput {
  const elapsed = (now % 60000) / 60000;
  const lastMinute = (series[0] ?? 0) + Math.round((series[1] ?? 0) * (1 - elapsed));
  const lastHour = series.slice(0, 60).reduce((a, b) => a + b, 0);
  return { lastMinute, lastHour };
}

export function parseMetricsMeta(raw: unknown): MetricsMeta {
  if (!Array.isArray(raw) || !raw[0]) return null;
  const [count, prevTS, prevCount] = raw.map((v) => Number(v || 0));
  return { count, prevTS, prevCount };
}
