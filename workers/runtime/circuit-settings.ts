// The circuit breakers' policy from the environment (README › Circuit breakers).
import { CIRCUIT_COOLDOWN_MAX_MS, type CircuitPolicy } from '@/lib/circuits/circuit';

export type CircuitSettings = { enabled: boolean; policy: CircuitPolicy };

function intOf(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return value;
}

export function readCircuitSettings(env: Record<string, string | undefined> = process.env): CircuitSettings {
  const switchRaw = (env.DROVER_CIRCUIT ?? 'on').trim().toLowerCase();
  if (!['on', 'off', '1', '0', 'true', 'false'].includes(switchRaw)) throw new Error(`DROVER_CIRCUIT must be on or off (got "${env.DROVER_CIRCUIT}")`);
  // Bounded (CIRCUIT_COOLDOWN_MAX_MS): a held circuit idle twice that long may be evicted (CIRCUIT_HELD_IDLE_MS).
  const cooldownMs = intOf(env, 'DROVER_CIRCUIT_COOLDOWN_MS', 30_000, 100, CIRCUIT_COOLDOWN_MAX_MS);
  return {
    enabled: switchRaw === 'on' || switchRaw === '1' || switchRaw === 'true',
    policy: {
      failures: intOf(env, 'DROVER_CIRCUIT_FAILURES', 5, 1),
      failureRatePercent: intOf(env, 'DROVER_CIRCUIT_FAILURE_RATE', 50, 1, 100),
      windowMs: intOf(env, 'DROVER_CIRCUIT_WINDOW_MS', 60_000, 1000),
      minVolume: intOf(env, 'DROVER_CIRCUIT_MIN_VOLUME', 10, 1),
      cooldownMs,
      maxCooldownMs: Math.max(cooldownMs, intOf(env, 'DROVER_CIRCUIT_MAX_COOLDOWN_MS', 600_000, 100, CIRCUIT_COOLDOWN_MAX_MS)),
    },
  };
}
