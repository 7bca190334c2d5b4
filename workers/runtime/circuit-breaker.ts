// The circuit breakers as one worker process applies them (README › Circuit breakers): before a job for
// a destination runs, admit() says run, probe (this job is the half-open probe) or wait (the job goes
// back to delayed without an attempt); after it, its outcome is recorded. The state is the connection's
// (lib/store/circuit-records.ts), shared by every process. Hot path: a destination seen closed and clean
// is not read again for CLEAN_CACHE_MS (a failure here forgets that); a failure is written at once,
// together with this process's successes not written yet (so a destination failing now and then is not
// seen failing in a row); successes are added up in memory, even while cached clean, and written every
// SUCCESS_FLUSH_MS only while the circuit has failures (nothing is written for clean circuits).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CircuitRecords } from '@/lib/store/circuit-records';
import { admitJob, applyOutcome, CIRCUIT_SPREAD_MIN_MS, CIRCUIT_TTL_MS, parseCircuit, scrubCircuitError, type CircuitEvent, type CircuitOutcome, type CircuitPolicy, type CircuitRecord } from '@/lib/circuits/circuit';

/** How long a destination read as closed and clean is admitted without reading it again. */
export const CLEAN_CACHE_MS = 1_000;
/** Successes are written this often at most (per destination, only while its circuit has failures). */
export const SUCCESS_FLUSH_MS = 1_000;
/** Compare-and-set rounds before a write gives up (another process kept changing the record). */
const SWAP_TRIES = 8;
/** At most one `circuit.untracked` warning per process this often (a flood of new failing destinations). */
export const UNTRACKED_WARN_MS = 60_000;

export type CircuitAdmission = { kind: 'run' } | { kind: 'probe'; token: string } | { kind: 'wait'; ms: number; spreadMs: number; state: 'open' | 'half-open' };

export class CircuitBreaker {
  private readonly cleanUntil = new Map<string, number>();
  /** Successes not written yet, per destination, counted since `since`. */
  private readonly successes = new Map<string, { count: number; since: number }>();
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** Circuits the held cap refused since the last warning, and when that was. */
  private untracked = { count: 0, warnedAt: -Infinity };

  constructor(
    private readonly records: CircuitRecords,
    readonly policy: CircuitPolicy,
    private readonly logger: Logger,
  ) {}

  async admit(destination: string, probeLeaseMs: number): Promise<CircuitAdmission> {
    const cached = this.cleanUntil.get(destination);
    if (cached !== undefined && cached > Date.now()) return { kind: 'run' };
    const token = randomUUID();
    for (let i = 0; i < SWAP_TRIES; i++) {
      const stored = await this.records.readCircuit(destination);
      const record = parseCircuit(stored.json);
      const { admission, next } = admitJob(record, stored.now, { token, leaseMs: probeLeaseMs });
      if (admission.kind === 'run') {
        if (admission.clean) this.remember(destination);
        else this.cleanUntil.delete(destination);
        return { kind: 'run' };
      }
      if (admission.kind === 'wait') return admission;
      const swapped = await this.records.swapCircuit(destination, stored.version, JSON.stringify(next), CIRCUIT_TTL_MS);
      if (swapped === 'written') {
        this.event('half-open', destination, next!);
        return { kind: 'probe', token };
      }
      // Only a record the held index does not know yet (written before it existed) can be refused: fail open.
      if (swapped === 'full') {
        this.warnUntracked(destination);
        return { kind: 'run' };
      }
    }
    // Others keep changing it: this job waits a moment rather than joining a probe.
    return { kind: 'wait', ms: Math.min(this.policy.cooldownMs, 1_000), spreadMs: CIRCUIT_SPREAD_MIN_MS, state: 'half-open' };
  }

  /** A run counted against the destination (connection error, timeout, 5xx…): written at once. */
  async failure(destination: string, message: string, probeToken?: string): Promise<void> {
    this.cleanUntil.delete(destination);
    // Successes on their way (a batch being written) land first, then this one with the rest.
    await this.flushing;
    const pending = this.successes.get(destination);
    this.successes.delete(destination);
    const successes = pending && pending.since >= Date.now() - this.policy.windowMs ? pending.count : 0;
    await this.update(destination, { kind: 'failure', error: scrubCircuitError(message), probeToken, successes });
  }

  /** A run that reached the destination: a probe's closes the circuit at once, others are added up. */
  async success(destination: string, probeToken?: string): Promise<void> {
    if (probeToken !== undefined) {
      await this.update(destination, { kind: 'success', count: 1, probeToken });
      return;
    }
    const now = Date.now();
    const cached = this.cleanUntil.get(destination);
    const clean = cached !== undefined && cached > now;
    const pending = this.successes.get(destination);
    // Clean and cached: only counted in memory, for a failure to come; the last second or so is enough
    // (a clean circuit's window starts at its first failure).
    if (!pending || (clean && pending.since < now - SUCCESS_FLUSH_MS)) {
      if (this.successes.size > 10_000) this.successes.clear();
      this.successes.set(destination, { count: 1, since: now });
    } else pending.count++;
    if (!clean) this.flushTimer ??= setTimeout(() => void this.flush(), SUCCESS_FLUSH_MS);
  }

  /** A probe that proved nothing either way (cancelled, rate limited, refused): the next job probes. */
  async release(destination: string, probeToken: string): Promise<void> {
    await this.update(destination, { kind: 'released', probeToken });
  }

  /** Writes the successes added up so far (those of destinations cached clean stay in memory). */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const now = Date.now();
    const batch: [string, number][] = [];
    for (const [destination, pending] of this.successes) {
      if ((this.cleanUntil.get(destination) ?? 0) > now) continue;
      batch.push([destination, pending.count]);
      this.successes.delete(destination);
    }
    this.flushing = this.flushing.then(async () => {
      for (const [destination, count] of batch) {
        await this.update(destination, { kind: 'success', count }).catch((err: Error) =>
          this.logger.warn({ event: 'circuit.write_failed', destination, err: err.message }, 'circuit breaker write failed'),
        );
      }
    });
    return this.flushing;
  }

  private remember(destination: string): void {
    // Bounded: one entry per destination seen within the last second or so.
    if (this.cleanUntil.size > 10_000) this.cleanUntil.clear();
    this.cleanUntil.set(destination, Date.now() + CLEAN_CACHE_MS);
  }

  private async update(destination: string, outcome: CircuitOutcome): Promise<void> {
    for (let i = 0; i < SWAP_TRIES; i++) {
      const stored = await this.records.readCircuit(destination);
      const changed = applyOutcome(parseCircuit(stored.json), outcome, stored.now, this.policy);
      if (!changed) return;
      const swapped = await this.records.swapCircuit(destination, stored.version, JSON.stringify(changed.next), CIRCUIT_TTL_MS);
      if (swapped === 'written') {
        if (changed.event) this.event(changed.event, destination, changed.next);
        return;
      }
      if (swapped === 'full') {
        this.warnUntracked(destination);
        return;
      }
    }
    this.logger.warn({ event: 'circuit.write_contended', destination, outcome: outcome.kind }, 'circuit breaker record kept changing: outcome not recorded');
  }

  /**
   * The connection holds CIRCUIT_HELD_MAX open circuits already: this destination's would not be
   * tracked, its jobs are attempted as usual (fail open). One warning a minute per process, with the count.
   */
  private warnUntracked(destination: string): void {
    this.untracked.count++;
    const now = Date.now();
    if (now - this.untracked.warnedAt < UNTRACKED_WARN_MS) return;
    this.logger.warn(
      { event: 'circuit.untracked', destination, refused: this.untracked.count },
      `circuit of ${destination} not tracked: the connection has the most open circuits it keeps; its jobs are attempted as usual (${this.untracked.count} refused since the last warning)`,
    );
    this.untracked = { count: 0, warnedAt: now };
  }

  private event(event: CircuitEvent, destination: string, record: CircuitRecord): void {
    const fields = { event: `circuit.${event.replace('-', '_')}`, destination, state: record.state, consecutive: record.consecutive, nextProbeAt: record.nextProbeAt, cooldownMs: record.cooldownMs };
    if (event === 'opened' || event === 'reopened') this.logger.warn({ ...fields, lastError: record.recent[0]?.error }, `circuit of ${destination} open: its jobs wait ${Math.round(record.cooldownMs / 100) / 10} s for a probe`);
    else this.logger.info(fields, `circuit of ${destination} ${record.state}`);
  }
}
