// A circuit breaker of one external destination (a webhook receiver, an image source host, the SMTP
// server) on one connection, shared by every worker process through the connection's records
// (lib/store/circuit-records.ts). The state machine is pure — time comes in as the store's clock — so
// both stores apply exactly the same rules: they only read a record and swap it for the next one.
import { z } from 'zod';

export const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/** Failures kept per circuit for the console (newest first). */
export const CIRCUIT_RECENT_MAX = 5;
/** Characters (code points) kept of a failure's message. */
export const CIRCUIT_ERROR_MAX = 300;
/** A circuit record expires this long after its last change (Redis PEXPIRE; PostgreSQL rows pruned). */
export const CIRCUIT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * Circuits the console lists per connection: every open and half-open one first (the most recently
 * changed first), then closed ones by recency; the open ones beyond are counted (`moreHeld`).
 */
export const CIRCUITS_LIST_MAX = 200;
/**
 * Open and half-open circuits a connection keeps at most (each holds its destination's jobs back). The
 * list and the circuit-open alert read all of them: a hostile producer naming thousands of failing
 * destinations cannot push a genuine open circuit out of sight. A destination whose circuit would open
 * beyond this cap first takes the place of the held circuit idle longest (CIRCUIT_HELD_IDLE_MS); with none
 * idle it stays untracked (fail open: its jobs are attempted as usual) and the runtime warns.
 */
export const CIRCUIT_HELD_MAX = 1_000;
/**
 * Circuit records a connection keeps at most, open ones included. A new destination beyond it evicts
 * the oldest closed record, never an open one: twice the open cap, so a closed one to evict always
 * exists.
 */
export const CIRCUIT_RECORDS_MAX = 2 * CIRCUIT_HELD_MAX;
/** The caps a store applies atomically with each swap (tests pass smaller ones). */
export type CircuitCaps = { heldMax: number; recordsMax: number };
export const CIRCUIT_CAPS: CircuitCaps = { heldMax: CIRCUIT_HELD_MAX, recordsMax: CIRCUIT_RECORDS_MAX };
/** The most a held job's return is spread beyond its wait (half the longest cool-down by default). */
export const CIRCUIT_SPREAD_MAX_MS = 5 * 60 * 1000;
/** …and the least (a short cool-down still spreads its held jobs over a second). */
export const CIRCUIT_SPREAD_MIN_MS = 1_000;
/** The longest cool-down a policy may set (DROVER_CIRCUIT_COOLDOWN_MS, DROVER_CIRCUIT_MAX_COOLDOWN_MS). */
export const CIRCUIT_COOLDOWN_MAX_MS = 60 * 60 * 1000;
/**
 * A held (open or half-open) record not changed for this long may be evicted when the held cap is full
 * and a new destination's circuit would open: twice the longest cool-down. A circuit with jobs still
 * held on it changes well within it — its first held job comes back after the cool-down plus at most
 * the spread (CIRCUIT_SPREAD_MAX_MS) and claims the probe, the probe's lease is minutes at most, and a
 * failed probe re-opens it — so only circuits nothing asks about any more (a hostile producer's hosts)
 * are evicted. An evicted destination is untracked (its jobs run; its circuit opens again if it fails).
 */
export const CIRCUIT_HELD_IDLE_MS = 2 * CIRCUIT_COOLDOWN_MAX_MS;
/** Held records evicted as idle per swap at most. */
export const CIRCUIT_HELD_EVICT_MAX = 100;
/** Destinations' names are at most this long (longer ones are not tracked). */
export const DESTINATION_MAX = 300;

export const circuitRecordSchema = z.object({
  state: z.enum(CIRCUIT_STATES),
  /** Counted failures in a row (a success resets it). */
  consecutive: z.number().int().min(0),
  /** The failure-rate window: it starts at the first counted outcome after the last one expired. */
  windowStart: z.number(),
  windowFailures: z.number().int().min(0),
  windowTotal: z.number().int().min(0),
  openedAt: z.number().nullable(),
  /** When an open circuit lets one probe through. */
  nextProbeAt: z.number().nullable(),
  /** The cool-down of the current opening (doubles on each failed probe, up to the policy's max). */
  cooldownMs: z.number().int().min(0),
  /** The probe in flight (half-open) and when its claim lapses (a killed process frees it so). */
  probeToken: z.string().nullable(),
  probeUntil: z.number().nullable(),
  recent: z.array(z.object({ at: z.number(), error: z.string() })).max(CIRCUIT_RECENT_MAX),
  /** How many times it opened (a failed probe re-opening counts too). */
  opened: z.number().int().min(0),
  changedAt: z.number(),
  /** Who reset it last (console, audited). */
  resetBy: z.string().optional(),
});
export type CircuitRecord = z.infer<typeof circuitRecordSchema>;

export type CircuitPolicy = {
  /** Opens after this many counted failures in a row. */
  failures: number;
  /** …or when at least this percent of the window's outcomes failed (with minVolume outcomes at least). */
  failureRatePercent: number;
  windowMs: number;
  minVolume: number;
  /** First cool-down after opening; doubles on each failed probe up to maxCooldownMs. */
  cooldownMs: number;
  maxCooldownMs: number;
};

export type Admission =
  | { kind: 'run'; clean: boolean }
  | { kind: 'probe' }
  /**
   * Held back for `ms`, plus a random share of `spreadMs`: the held jobs come back spread out, not all at
   * once (each return is a move to active, which takes a token of the queue's rate limiter).
   */
  | { kind: 'wait'; ms: number; spreadMs: number; state: 'open' | 'half-open' };

export type CircuitOutcome =
  | { kind: 'success'; count: number; probeToken?: string }
  /**
   * `successes`: this process's successes not written yet (they are batched), applied before the
   * failure in the same write, so a destination failing now and then is not seen as failing in a row.
   */
  | { kind: 'failure'; error: string; probeToken?: string; successes?: number }
  /** A probe that proved nothing (cancelled, rate limited, refused by policy): the next job may probe. */
  | { kind: 'released'; probeToken: string };

export type CircuitEvent = 'opened' | 'reopened' | 'closed' | 'half-open' | 'reset';

function fresh(now: number, policy: Pick<CircuitPolicy, 'cooldownMs'>): CircuitRecord {
  return {
    state: 'closed',
    consecutive: 0,
    windowStart: now,
    windowFailures: 0,
    windowTotal: 0,
    openedAt: null,
    nextProbeAt: null,
    cooldownMs: policy.cooldownMs,
    probeToken: null,
    probeUntil: null,
    recent: [],
    opened: 0,
    changedAt: now,
  };
}

/**
 * Whether a stored record holds its destination's jobs back (open or half-open): what the stores index
 * apart and cap (CIRCUIT_HELD_MAX). Unreadable JSON counts as closed, like parseCircuit.
 */
export function holdsJobs(json: string): boolean {
  const record = parseCircuit(json);
  return record !== null && record.state !== 'closed';
}

/** A stored record, or null when missing or unreadable (a circuit that cannot be read is closed). */
export function parseCircuit(json: string | null): CircuitRecord | null {
  if (!json) return null;
  try {
    const parsed = circuitRecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Whether a job for this destination runs now. `next` is the record to store when admitting changes it
 * (an open circuit's cool-down is over: this job is the half-open probe, claimed until `now + probeLeaseMs`).
 */
export function admitJob(record: CircuitRecord | null, now: number, probe: { token: string; leaseMs: number }): { admission: Admission; next?: CircuitRecord } {
  if (!record || record.state === 'closed') return { admission: { kind: 'run', clean: !record || (record.consecutive === 0 && record.windowFailures === 0) } };
  const claim = (): { admission: Admission; next: CircuitRecord } => ({
    admission: { kind: 'probe' },
    next: { ...record, state: 'half-open', probeToken: probe.token, probeUntil: now + probe.leaseMs, changedAt: now },
  });
  if (record.state === 'open') {
    const due = record.nextProbeAt ?? now;
    if (due <= now) return claim();
    return { admission: { kind: 'wait', ms: due - now, spreadMs: spreadOf(record), state: 'open' } };
  }
  // Half-open: one probe is out. A lapsed claim (its process died) goes to this job.
  const until = record.probeUntil ?? now;
  if (until <= now) return claim();
  // The others wait for the claim to end: looking again sooner would take a rate-limiter token per job
  // and look (moveToActive) while the probe is out. A closing probe does not call them back early.
  return { admission: { kind: 'wait', ms: Math.max(1, until - now), spreadMs: spreadOf(record), state: 'half-open' } };
}

/** Over how long the held jobs of a circuit come back: half its cool-down, within the bounds. */
function spreadOf(record: CircuitRecord): number {
  return Math.min(CIRCUIT_SPREAD_MAX_MS, Math.max(CIRCUIT_SPREAD_MIN_MS, Math.floor(record.cooldownMs / 2)));
}

/** The record after an outcome, and what happened to the circuit; null when nothing is to be stored. */
export function applyOutcome(record: CircuitRecord | null, outcome: CircuitOutcome, now: number, policy: CircuitPolicy): { next: CircuitRecord; event?: CircuitEvent } | null {
  if (outcome.kind === 'released') {
    if (!record || record.state !== 'half-open' || record.probeToken !== outcome.probeToken) return null;
    return { next: { ...record, state: 'open', nextProbeAt: now, probeToken: null, probeUntil: null, changedAt: now }, event: undefined };
  }
  if (outcome.kind === 'success') {
    if (!record) return null;
    if (record.state === 'half-open' && outcome.probeToken !== undefined && record.probeToken === outcome.probeToken) {
      return {
        next: { ...record, state: 'closed', consecutive: 0, windowStart: now, windowFailures: 0, windowTotal: 0, nextProbeAt: null, probeToken: null, probeUntil: null, cooldownMs: policy.cooldownMs, changedAt: now },
        event: 'closed',
      };
    }
    // A success while open came from a job admitted before it opened: it says little, nothing changes.
    if (record.state !== 'closed') return null;
    // A clean circuit has nothing to count: no write for the healthy destinations' every success.
    if (record.consecutive === 0 && record.windowFailures === 0) return null;
    const windowed = rollWindow(record, now, policy);
    return { next: { ...windowed, consecutive: 0, windowTotal: windowed.windowTotal + outcome.count, changedAt: now } };
  }
  const base = record ?? fresh(now, policy);
  const recent = [{ at: now, error: outcome.error }, ...base.recent].slice(0, CIRCUIT_RECENT_MAX);
  if (base.state === 'half-open') {
    if (outcome.probeToken !== undefined && base.probeToken === outcome.probeToken) {
      const cooldownMs = Math.min(Math.max(base.cooldownMs, 1) * 2, policy.maxCooldownMs);
      return {
        next: { ...base, state: 'open', recent, cooldownMs, nextProbeAt: now + cooldownMs, probeToken: null, probeUntil: null, opened: base.opened + 1, openedAt: now, changedAt: now },
        event: 'reopened',
      };
    }
    return { next: { ...base, recent, changedAt: now } };
  }
  if (base.state === 'open') return { next: { ...base, recent, changedAt: now } };
  const rolled = rollWindow(base, now, policy);
  const pending = outcome.successes ?? 0;
  const windowed = pending > 0 ? { ...rolled, consecutive: 0, windowTotal: rolled.windowTotal + pending } : rolled;
  const consecutive = windowed.consecutive + 1;
  const windowFailures = windowed.windowFailures + 1;
  const windowTotal = windowed.windowTotal + 1;
  const tripped = consecutive >= policy.failures || (windowTotal >= policy.minVolume && windowFailures * 100 >= policy.failureRatePercent * windowTotal);
  const counted = { ...windowed, consecutive, windowFailures, windowTotal, recent, changedAt: now };
  if (!tripped) return { next: counted };
  return {
    next: { ...counted, state: 'open', openedAt: now, cooldownMs: policy.cooldownMs, nextProbeAt: now + policy.cooldownMs, opened: base.opened + 1 },
    event: 'opened',
  };
}

function rollWindow(record: CircuitRecord, now: number, policy: CircuitPolicy): CircuitRecord {
  if (now - record.windowStart < policy.windowMs) return record;
  return { ...record, windowStart: now, windowFailures: 0, windowTotal: 0 };
}

/** A closed, clean record (the console's reset): the failures listed stay for the operator to read. */
export function resetRecord(record: CircuitRecord | null, now: number, policy: Pick<CircuitPolicy, 'cooldownMs'>, by: string): CircuitRecord {
  return { ...fresh(now, policy), recent: record?.recent ?? [], opened: record?.opened ?? 0, resetBy: by };
}

/**
 * A failure's message as kept in a circuit (the console shows it to viewers): cut, with the secrets a
 * message may carry taken out — credentials in URLs (smtp://user:pass@host, https://u:p@host) and
 * query strings (tokens in webhook URLs).
 */
export function scrubCircuitError(message: string): string {
  const scrubbed = message
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@')
    .replace(/(https?:\/\/[^\s?#]+)\?[^\s#]*/gi, '$1?…')
    .replace(/(pass(?:word)?|token|secret|key)=([^\s&]+)/gi, '$1=***')
    // Well-formed text only: PostgreSQL's jsonb refuses a lone surrogate's escape and \u0000 (and the
    // record JSON is read by SQL: migration 12).
    .replace(/\u0000/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  // Cut by code points, so a surrogate pair is never split.
  const points = Array.from(scrubbed);
  return points.length > CIRCUIT_ERROR_MAX ? `${points.slice(0, CIRCUIT_ERROR_MAX).join('')}…` : scrubbed;
}
