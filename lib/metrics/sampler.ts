// The sampler: every DROVER_SAMPLE_INTERVAL_MS, the one console instance holding the lock (a lease in the console store) reads
// every queue's counts, records them and hands the snapshot to listeners (the alert evaluator).
// Other replicas stay idle until the holder stops renewing; one Sampler per process on globalThis.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { logger } from '@/lib/log';
import { toDroverError } from '@/lib/errors';
import { sampleIntervalMs } from './settings';
import { samplerLease } from '@/lib/store/console/samples';
import { collectSnapshot, type MetricsSnapshot } from './snapshot';
import { recordSamples } from './record-samples';

export type SampleResult = MetricsSnapshot & {
  /** samples appended to the console Redis */
  written: number;
  /** set when the console Redis refused the write (the snapshot is still good for alerting) */
  writeError: string | null;
};

/** Reads every connection once and records the samples. For tests and the sampler loop. */
export async function sampleOnce(opts: { now?: number } = {}): Promise<SampleResult> {
  const now = opts.now ?? Date.now();
  const snapshot = await collectSnapshot(now);
  try {
    return { ...snapshot, written: await recordSamples(snapshot, now), writeError: null };
  } catch (err) {
    return { ...snapshot, written: 0, writeError: toDroverError(err).message };
  }
}

/** `sampler`: the instance that took the sample (its id and lease, for listeners that must act once: lib/alerts). */
export type SampleListener = (result: SampleResult, sampler?: Sampler) => Promise<void>;

export type SamplerOptions = {
  instanceId?: string;
  intervalMs?: number;
  /** how long the lock survives a holder that stopped renewing; default 3 intervals, at least 5 s */
  lockTtlMs?: number;
  onSample?: SampleListener;
};

export class Sampler {
  readonly instanceId: string;
  readonly intervalMs: number;
  readonly lockTtlMs: number;
  private readonly onSample?: SampleListener;
  private timer?: ReturnType<typeof setTimeout>;
  private inFlight?: Promise<unknown>;
  private running = false;
  /** whether this instance held the lock at its last tick */
  leader = false;
  /** ticks in which this instance sampled (held the lock) */
  sampledTicks = 0;

  constructor(opts: SamplerOptions = {}) {
    this.instanceId = opts.instanceId ?? `${process.pid}-${randomUUID()}`;
    this.intervalMs = opts.intervalMs ?? sampleIntervalMs();
    this.lockTtlMs = opts.lockTtlMs ?? Math.max(3 * this.intervalMs, 5000);
    this.onSample = opts.onSample;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops ticking; `release: false` leaves the lock to expire, as a crashed process would. */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.inFlight?.catch(() => {});
    if (this.leader && opts.release !== false) {
      await samplerLease().release(this.instanceId).catch(() => {});
    }
    this.leader = false;
  }

  /** One round: take or renew the lock, then sample if this instance holds it. */
  async tick(now = Date.now()): Promise<SampleResult | null> {
    if (!(await this.holdLock())) return null;
    this.sampledTicks++;
    const result = await sampleOnce({ now });
    if (result.writeError) logger.warn({ event: 'metrics.write_failed', err: result.writeError }, 'metrics samples could not be written');
    if (this.onSample) {
      await this.onSample(result, this).catch((err) => logger.error({ event: 'metrics.listener_failed', err: (err as Error)?.stack ?? String(err) }, 'sample listener failed'));
    }
    return result;
  }

  /**
   * Renews the lease now: false when this instance no longer holds it (another took over). When the
   * console store cannot be reached, a holder stays the holder (as in holdLock): no other instance can
   * take the lease meanwhile, and the outage itself must still be alerted on.
   */
  async stillLeader(): Promise<boolean> {
    if (!this.leader) return false;
    try {
      return await samplerLease().renew(this.instanceId, this.lockTtlMs);
    } catch {
      return true;
    }
  }

  private async holdLock(): Promise<boolean> {
    try {
      const lease = samplerLease();
      if (this.leader && (await lease.renew(this.instanceId, this.lockTtlMs))) return true;
      this.leader = await lease.take(this.instanceId, this.lockTtlMs);
    } catch {
      // The console store is unreachable: no other instance can take the lock meanwhile, so a holder
      // keeps sampling (and can alert that the store is down); the others stay idle.
    }
    return this.leader;
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.inFlight = this.tick()
        .catch((err) => logger.error({ event: 'metrics.tick_failed', err: (err as Error)?.stack ?? String(err) }, 'metrics sampler tick failed'))
        .finally(() => this.schedule(Math.max(0, this.intervalMs - (Date.now() - started))));
    }, delay);
    this.timer.unref?.();
  }
}

const SAMPLER = Symbol.for('drover.metrics.sampler');
const LISTENERS = Symbol.for('drover.metrics.sample-listeners');
type Holder = { [SAMPLER]?: Sampler; [LISTENERS]?: Set<SampleListener> };

function listeners(): Set<SampleListener> {
  const holder = globalThis as Holder;
  holder[LISTENERS] ??= new Set();
  return holder[LISTENERS];
}

/** Runs `listener` after each sample this process takes (only the lock holder samples). */
export function addSampleListener(listener: SampleListener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

/** The process's sampler, started once (instrumentation.ts calls this at server start). */
export function startSampler(opts: Omit<SamplerOptions, 'onSample'> = {}): Sampler {
  const holder = globalThis as Holder;
  holder[SAMPLER] ??= new Sampler({
    ...opts,
    onSample: async (result, sampler) => {
      for (const listener of listeners()) await listener(result, sampler);
    },
  });
  holder[SAMPLER].start();
  return holder[SAMPLER];
}

export async function stopSampler(): Promise<void> {
  const holder = globalThis as Holder;
  const sampler = holder[SAMPLER];
  delete holder[SAMPLER];
  await sampler?.stop();
}
