// The circuit breakers as one worker process applies them (README › Circuit breakers): before a job for
// a destination runs, admit() says run, probe (this job is the half-open probe) or wait (the job goes
// back to delayed without an attempt); after it, its outcome is recorded. The state is the connection's
// (lib/store/circuit-records.ts), shared by every process. Hot path: a destination seen closed and clean
// is not read again for CLEAN_CACHE_MS (a failure here forgets that); a failure is written at once,
// successes are added up and written every SUCCESS_FLUSH_MS (nothing is written for clean circuits).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CircuitRecords } from '@/lib/store/circuit-records';
import { admitJob, applyOutcome, CIRCUIT_TTL_MS, parseCircuit, scrubCircuitError, type CircuitEvent, type CircuitOutcome, type CircuitPolicy, type CircuitRecord } from '@/lib/circuits/circuit';

/** How long a destination read as closed and clean is admitted without reading it again. */
export const CLEAN_CACHE_MS = 1_000;
/** Successes are written this often at most (per destination, only while its circuit has failures). */
export const SUCCESS_FLUSH_MS = 1_000;
/** Compare-and-set rounds before a write gives up (another process kept changing the record). */
const SWAP_TRIES = 8;

export type CircuitAdmission = { kind: 'run' } | { kind: 'probe'; token: string } | { kind: 'wait'; ms: number; state: 'open' | 'half-open' };

export class CircuitBreaker {
  private readonly cleanUntil = new Map<string, number>();
  private readonly successes = new Map<string, number>();
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

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
      const { admission, next } = admitJob(record, stored.now, { token, leaseMs: probeLeaseMs }, this.policy);
      if (admission.kind === 'run') {
        if (admission.clean) this.remember(destination);
        else this.cleanUntil.delete(destination);
        return { kind: 'run' };
      }
      if (admission.kind === 'wait') return admission;
      if (await this.records.swapCircuit(destination, stored.version, JSON.stringify(next), CIRCUIT_TTL_MS)) {
        this.event('half-open', destination, next!);
        return { kind: 'probe', token };
      }
    }
    // Others keep changing it: this job waits a moment rather than joining a probe.
    return { kind: 'wait', ms: Math.min(this.policy.cooldownMs, 1_000), state: 'half-open' };
  }

  /** A run counted against the destination (connection error, timeout, 5xx…): written at once. */
  async failure(destination: string, message: string, probeToken?: string): Promise<void> {
    this.cleanUntil.delete(destination);
    await this.update(destination, { kind: 'failure', error: scrubCircuitError(message), probeToken });
  }

  /** A run that reached the destination: a probe's closes the circuit at once, others are added up. */
  async success(destination: string, probeToken?: string): Promise<void> {
    if (probeToken !== undefined) {
      await this.update(destination, { kind: 'success', count: 1, probeToken });
      return;
    }
    // Clean and cached: nothing to count.
    const cached = this.cleanUntil.get(destination);
    if (cached !== undefined && cached > Date.now()) return;
    this.successes.set(destination, (this.successes.get(destination) ?? 0) + 1);
    this.flushTimer ??= setTimeout(() => void this.flush(), SUCCESS_FLUSH_MS);
  }

  /** A probe that proved nothing either way (cancelled, rate limited, refused): the next job probes. */
  async release(destination: string, probeToken: string): Promise<void> {
    await this.update(destination, { kind: 'released', probeToken });
  }

  /** Writes the successes added up so far. */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = [...this.successes];
    this.successes.clear();
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
      if (await this.records.swapCircuit(destination, stored.version, JSON.stringify(changed.next), CIRCUIT_TTL_MS)) {
        if (changed.event) this.event(changed.event, destination, changed.next);
        return;
      }
    }
    this.logger.warn({ event: 'circuit.write_contended', destination, outcome: outcome.kind }, 'circuit breaker record kept changing: outcome not recorded');
  }

  private event(event: CircuitEvent, destination: string, record: CircuitRecord): void {
    const fields = { event: `circuit.${event.replace('-', '_')}`, destination, state: record.state, consecutive: record.consecutive, nextProbeAt: record.nextProbeAt, cooldownMs: record.cooldownMs };
    if (event === 'opened' || event === 'reopened') this.logger.warn({ ...fields, lastError: record.recent[0]?.error }, `circuit of ${destination} open: its jobs wait ${Math.round(record.cooldownMs / 100) / 10} s for a probe`);
    else this.logger.info(fields, `circuit of ${destination} ${record.state}`);
  }
}
