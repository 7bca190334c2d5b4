// A/B measurement: both sides warm up, then take turns (the order flips every round so drift —
// CPU frequency, Redis memory, GC — does not favour either side).
import { summarize, type Summary } from './stats';

export type Side = {
  /** one timed operation, in ms */
  run: () => Promise<number>;
  /** state reset after each sample, not timed (e.g. restoring the data set after a retry-all) */
  reset?: () => Promise<void>;
};

export type AbResult = {
  drover: Summary;
  peer: Summary;
  droverSamples: number[];
  peerSamples: number[];
  /** mean growth of the probe's counter across one measured sample (e.g. Redis CPU ms per request) */
  droverProbe: number | null;
  peerProbe: number | null;
};

export async function measureAb(
  name: string,
  sides: { drover: Side; peer: Side },
  opts: {
    warmup: number;
    samples: number;
    log: (line: string) => void;
    /** a cumulative counter read right before and after each measured sample, outside its timing */
    probe?: () => Promise<number>;
  },
): Promise<AbResult> {
  const started = performance.now();
  for (let i = 0; i < opts.warmup; i++) {
    for (const side of [sides.drover, sides.peer]) {
      await side.run();
      await side.reset?.();
    }
  }
  const droverSamples: number[] = [];
  const peerSamples: number[] = [];
  const probed = { drover: 0, peer: 0 };
  for (let i = 0; i < opts.samples; i++) {
    const order: Array<[Side, number[], 'drover' | 'peer']> = [
      [sides.drover, droverSamples, 'drover'],
      [sides.peer, peerSamples, 'peer'],
    ];
    if (i % 2 === 1) order.reverse();
    for (const [side, samples, who] of order) {
      const before = opts.probe ? await opts.probe() : 0;
      samples.push(await side.run());
      if (opts.probe) probed[who] += (await opts.probe()) - before;
      await side.reset?.();
    }
  }
  const result = {
    drover: summarize(droverSamples),
    peer: summarize(peerSamples),
    droverSamples,
    peerSamples,
    droverProbe: opts.probe ? probed.drover / opts.samples : null,
    peerProbe: opts.probe ? probed.peer / opts.samples : null,
  };
  opts.log(
    `  ${name}: Drover p50 ${result.drover.p50.toFixed(2)} / p95 ${result.drover.p95.toFixed(2)} ms, ` +
      `Bull Board p50 ${result.peer.p50.toFixed(2)} / p95 ${result.peer.p95.toFixed(2)} ms ` +
      (result.droverProbe === null ? '' : `; Redis CPU per request: Drover ${result.droverProbe.toFixed(2)} ms, Bull Board ${result.peerProbe!.toFixed(2)} ms `) +
      `(${opts.warmup} warm-up + ${opts.samples} samples each, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return result;
}
