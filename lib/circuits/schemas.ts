// The inputs and answers of the circuit breaker operations (lib/operations/workers.ts).
import { z } from 'zod';
import { connectionNameSchema } from '@/lib/config/schema';
import { CIRCUIT_STATES, DESTINATION_MAX } from './circuit';

export const circuitsParamsSchema = z.object({ conn: connectionNameSchema });

export const resetCircuitInputSchema = z.object({
  /** the circuit's destination as listed, e.g. "https://hooks.example:443" or "smtp://mail.example:587" */
  destination: z.string().min(1).max(DESTINATION_MAX),
});

export const circuitViewSchema = z.object({
  destination: z.string(),
  state: z.enum(CIRCUIT_STATES),
  /** counted failures in a row */
  consecutive: z.number(),
  windowFailures: z.number(),
  windowTotal: z.number(),
  openedAt: z.number().nullable(),
  /** when an open circuit lets its next probe through (null: closed, or a probe is out) */
  nextProbeAt: z.number().nullable(),
  cooldownMs: z.number(),
  /** a half-open probe is out, claimed until probeUntil */
  probeInFlight: z.boolean(),
  probeUntil: z.number().nullable(),
  /** the last failures, newest first (cut, credentials and query strings removed) */
  recent: z.array(z.object({ at: z.number(), error: z.string() })),
  opened: z.number(),
  changedAt: z.number(),
  resetBy: z.string().optional(),
});
export type CircuitView = z.infer<typeof circuitViewSchema>;

export const circuitsSchema = z.object({
  connection: z.string(),
  /** the store's clock when read (ms): times above are in it */
  now: z.number(),
  circuits: z.array(circuitViewSchema),
  /** at most this many are listed: every open and half-open one first, then closed ones, the most recently changed first */
  limit: z.number(),
  /** open and half-open circuits of the connection not listed (beyond the limit) */
  moreHeld: z.number(),
});
export type Circuits = z.infer<typeof circuitsSchema>;

export const resetCircuitResultSchema = z.object({ message: z.string(), circuit: circuitViewSchema });
