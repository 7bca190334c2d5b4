// scrypt password hashing from node:crypto (no native module), with a bound on hashes in flight.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { UnavailableError } from '@/lib/errors';

/**
 * OWASP's password storage cheat sheet lists N=2^17, r=8, p=1 and equivalents of the same CPU cost;
 * N=2^14, r=8, p=5 is one of them and needs 16 MB per hash (128·N·r) instead of 128 MB, inside
 * Node's default scrypt maxmem (32 MB). About 200 ms of one core per hash on a 2-core test machine.
 */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 5 } as const;
const KEYLEN = 64;
/** Hashes computed at once (each holds 16 MB and a libuv thread): 4 × 16 MB = 64 MB at most. */
export const MAX_CONCURRENT_HASHES = 4;
/** Hashes waiting for a turn; beyond this a sign-in is refused (503) instead of queueing without end. */
export const MAX_QUEUED_HASHES = 100;
/** Stored hashes with a cost outside these bounds are refused rather than computed (a crafted record). */
const MAX_N = 1 << 17;
const MAX_P = 16;

export class HashingBusyError extends UnavailableError {
  constructor() {
    super('Too many sign-ins are being checked right now. Try again in a few seconds.');
  }
}

let active = 0;
const waiting: Array<() => void> = [];
const stats = { peakActive: 0, refused: 0, completed: 0 };

/** For tests and metrics: hashes running and queued now, the most ever run at once, refusals, hashes done. */
export function hashingStats() {
  return { active, queued: waiting.length, ...stats };
}

async function withHashSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= MAX_CONCURRENT_HASHES) {
    if (waiting.length >= MAX_QUEUED_HASHES) {
      stats.refused++;
      throw new HashingBusyError();
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    active++;
  }
  stats.peakActive = Math.max(stats.peakActive, active);
  try {
    const result = await fn();
    stats.completed++;
    return result;
  } finally {
    // Hand the slot straight to the next waiter (active stays the same), or free it.
    const next = waiting.shift();
    if (next) next();
    else active--;
  }
}

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return withHashSlot(
    () =>
      new Promise((resolve, reject) =>
        scryptCb(password, salt, keylen, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

/** "scrypt$N$r$p$salt$hash" with base64 salt and hash. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

function parseHash(stored: string): { N: number; r: number; p: number; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r !== 8 || !Number.isInteger(p) || p < 1 || p > MAX_P) return null;
  return { N, r, p, salt: Buffer.from(parts[4], 'base64'), hash: Buffer.from(parts[5], 'base64') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.hash.length === 0) return false;
  const key = await scrypt(password, parsed.salt, parsed.hash.length, { N: parsed.N, r: parsed.r, p: parsed.p });
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** True when a stored hash uses other parameters than today's: rehash it at the next sign-in. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.N !== SCRYPT_PARAMS.N || parsed.r !== SCRYPT_PARAMS.r || parsed.p !== SCRYPT_PARAMS.p;
}

/** A hash of a random password, used to spend the same time when the account does not exist. */
let dummyHash: Promise<string> | undefined;
export function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
  dummyHash.catch(() => (dummyHash = undefined));
  return dummyHash;
}

export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
