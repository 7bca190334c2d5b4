// The inputs of an API token: its name and how long it lives. Pure zod (forms and the CLI use it too).
import { z } from 'zod';

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(100, 'name must be at most 100 characters')
  // NUL and the other control characters: never in a name people read, and PostgreSQL text cannot hold NUL.
  .regex(/^\P{Cc}*$/u, 'name must not contain control characters');

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Longest expiry a token can be given: 10 years. */
export const MAX_TOKEN_LIFETIME_MS = 3650 * UNIT_MS.d;
/** "30d", "12h", "15m", "90s" → milliseconds (1 s … 3650 d). */
export const expiresInSchema = z
  .string()
  .trim()
  .regex(/^\d{1,7}[smhd]$/, 'must be a duration like 30d, 12h, 15m or 90s')
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.at(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms >= 1000 && ms <= MAX_TOKEN_LIFETIME_MS, 'must be between 1s and 3650d');

