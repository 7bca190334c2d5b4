import { describe, expect, it } from 'vitest';
import { scryptSync, randomBytes } from 'node:crypto';
import {
  MAX_CONCURRENT_HASHES,
  MAX_QUEUED_HASHES,
  HashingBusyError,
  SCRYPT_PARAMS,
  generatePassword,
  hashPassword,
  hashingStats,
  needsRehash,
  verifyPassword,
} from '@/lib/auth/password';

describe('scrypt passwords', () => {
  it('hash at an OWASP-equivalent cost (N=2^14, r=8, p=5: the CPU of N=2^17, p=1 in 16 MB) and verify', async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 16384, r: 8, p: 5 });
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$16384\$8\$5\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it('still verify hashes made with the old cost, and mark them for an upgrade', async () => {
    const salt = randomBytes(16);
    const old = ['scrypt', 16384, 8, 1, salt.toString('base64'), scryptSync('old password', salt, 64, { N: 16384, r: 8, p: 1 }).toString('base64')].join('$');
    expect(await verifyPassword('old password', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('refuse stored hashes whose cost would be a denial of service', async () => {
    const salt = randomBytes(16).toString('base64');
    expect(await verifyPassword('x', `scrypt$1048576$8$1$${salt}$AAAA`)).toBe(false);
    expect(await verifyPassword('x', `scrypt$16384$8$1000$${salt}$AAAA`)).toBe(false);
    expect(await verifyPassword('x', `scrypt$16385$8$1$${salt}$AAAA`)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('generates long random passwords', () => {
    const a = generatePassword();
    expect(a.length).toBeGreaterThanOrEqual(20);
    expect(a).not.toBe(generatePassword());
  });
});

describe('hashes in flight', () => {
  it(`run at most ${MAX_CONCURRENT_HASHES} at once, queue up to ${MAX_QUEUED_HASHES}, and refuse beyond`, async () => {
    const before = hashingStats().refused;
    // A stored hash of trivial cost: the bound is about how many run, not how long each takes.
    const salt = randomBytes(16);
    const cheap = ['scrypt', 2, 8, 1, salt.toString('base64'), scryptSync('pw', salt, 64, { N: 2, r: 8, p: 1 }).toString('base64')].join('$');
    const burst = Array.from({ length: MAX_CONCURRENT_HASHES + MAX_QUEUED_HASHES + 20 }, () => verifyPassword('pw', cheap).then((ok) => (ok ? 'ok' : 'wrong'), (e) => e));
    // All were started synchronously: the first 4 run, 100 wait, the last 20 are refused at once.
    expect(hashingStats()).toMatchObject({ active: MAX_CONCURRENT_HASHES, queued: MAX_QUEUED_HASHES });
    const results = await Promise.all(burst);
    expect(results.filter((r) => r === 'ok')).toHaveLength(MAX_CONCURRENT_HASHES + MAX_QUEUED_HASHES);
    const refused = results.filter((r) => r instanceof HashingBusyError);
    expect(refused).toHaveLength(20);
    expect((refused[0] as HashingBusyError).status).toBe(503);
    expect(hashingStats()).toMatchObject({ active: 0, queued: 0, peakActive: MAX_CONCURRENT_HASHES, refused: before + 20 });
  });
});
