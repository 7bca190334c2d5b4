// The audit's outcome says why nothing changed: the caller's role (denied), their input (invalid), the
// state of what they acted on (refused: 404, 409), or the store failing (error); too many at once is denied.
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ctxAs, redisForThisFile } from '../helpers/console-env';
import { lastAudit } from '../helpers/audit';
import { createUser } from '@/lib/auth/users';
import { updateUser } from '@/lib/users/update-user';
import { retryJob } from '@/lib/jobs/retry-job';
import { outcomeOf } from '@/lib/audit/audited';
import { ConflictError, NotFoundError, RateLimitedError, RedisOutOfMemoryError, UnavailableError } from '@/lib/errors';

const redis = redisForThisFile();

describe('audit outcomes', () => {
  it('refusing to demote the only admin is "refused", not an error', async () => {
    await createUser({ email: 'only@x', password: 'a long password', role: 'admin' });
    await expect(updateUser(ctxAs('admin', 'only@x'), { email: 'only@x' }, { role: 'viewer' })).rejects.toThrow('This is the only admin');
    expect(await lastAudit(redis.client())).toMatchObject({ action: 'user.update', outcome: 'refused', actor: 'only@x' });
  });

  it('a job in the wrong state (409) or gone (404) is "refused"', async () => {
    const queue = redis.track(new Queue('outcomes', { connection: { url: redis.url } }));
    const job = await queue.add('x', {});
    await expect(retryJob(ctxAs('operator'), { conn: 'default', queue: 'outcomes', id: job.id! })).rejects.toThrow(/only failed or completed jobs can be retried/);
    expect(await lastAudit(redis.client())).toMatchObject({ action: 'job.retry', outcome: 'refused' });
    // Another operator: one actor's refusals of one operation fold into one entry for 10 minutes.
    await expect(retryJob(ctxAs('operator', 'other@test'), { conn: 'default', queue: 'outcomes', id: 'ghost' })).rejects.toThrow(/ghost/);
    expect(await lastAudit(redis.client())).toMatchObject({ action: 'job.retry', outcome: 'refused', actor: 'other@test', jobIds: ['ghost'] });
  });

  it('only a failing store is an "error"', () => {
    expect(outcomeOf(new ConflictError('x'))).toBe('refused');
    expect(outcomeOf(new NotFoundError('x'))).toBe('refused');
    expect(outcomeOf(new RateLimitedError('x', 1))).toBe('denied');
    expect(outcomeOf(new UnavailableError('x'))).toBe('error');
    expect(outcomeOf(new RedisOutOfMemoryError('default'))).toBe('error');
  });
});
