// Worker settings from the environment (documented in the README, "Environment (workers)").
import type { WorkerSettings } from './drover-worker';
import { BUSY_HEARTBEAT_MS } from '@/lib/workers/busy-record';
import { EMAIL_SMTP_DEADLINE_MS } from '../processors/email';

export type RuntimeSettings = WorkerSettings & {
  /** On SIGTERM/SIGINT: how long active jobs may take to finish before connections are closed anyway. */
  shutdownTimeoutMs: number;
  /** How often the dead-letter sweep (missed captures, retention) runs; it also runs at start. */
  deadLetterSweepIntervalMs: number;
  /** How often the process publishes what it runs now for the console's Busy view. */
  busyHeartbeatMs: number;
  /** The most one email job's SMTP send may take in all (connection, greeting, TLS, send). */
  smtpDeadlineMs: number;
};

/** Node's timers fire at once past 2^31 − 1 ms: no time setting may exceed it. */
const TIMER_MAX_MS = 2_147_483_647;
/** One SMTP send's deadline at most: longer only holds a job's slot behind a server that does not answer. */
const SMTP_DEADLINE_MAX_MS = 600_000;

function positiveInt(env: Record<string, string | undefined>, name: string, fallback: number, min = 1, max = TIMER_MAX_MS): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return value;
}

export function readRuntimeSettings(env: Record<string, string | undefined> = process.env): RuntimeSettings {
  return {
    lockDurationMs: positiveInt(env, 'DROVER_LOCK_DURATION_MS', 30_000, 1000),
    stalledIntervalMs: positiveInt(env, 'DROVER_STALLED_INTERVAL_MS', 30_000, 100),
    maxStalledCount: positiveInt(env, 'DROVER_MAX_STALLED_COUNT', 1, 0),
    shutdownTimeoutMs: positiveInt(env, 'DROVER_SHUTDOWN_TIMEOUT_MS', 30_000, 0),
    deadLetterSweepIntervalMs: positiveInt(env, 'DROVER_DLQ_SWEEP_INTERVAL_MS', 60_000, 100),
    busyHeartbeatMs: positiveInt(env, 'DROVER_BUSY_HEARTBEAT_MS', BUSY_HEARTBEAT_MS, 100),
    smtpDeadlineMs: positiveInt(env, 'DROVER_SMTP_DEADLINE_MS', EMAIL_SMTP_DEADLINE_MS, 1000, SMTP_DEADLINE_MAX_MS),
  };
}
