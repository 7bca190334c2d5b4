// The audit's outcome says why nothing changed: the caller's role (denied), their input (invalid), the
// state of what they acted on (refused: 404, 409), or the store failing (error); too many at once is denied.
// On both stores of the console connection (the queues on the console's server too).
import { Queue, createPostgresBackend } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ctxAs } from '../helpers/console-env';
import { consoleForThisFile } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { lastAudit } from '../helpers/audit';
import { createUser } from '@/lib/auth/users';
import { updateUser } from '@/lib/users/update-user';
import { retryJob } from '@/lib/jobs/retry-job';
import { outcomeOf } from '@/lib/audit/audited';
import { ConflictError, NotFoundError, RateLimitedError, RedisOutOfMemoryError, UnavailableError } from '@/lib/errors';

describe.each(STORE_KINDS)('audit outcomes on %s', (kind) => {
  const c = consoleForThisFile(kind, ({ url }) => [{ name: 'default', url }]);
  const queue = (name: string): Queue =>
    kind === 'redis'
      ? new Queue(name, { connection: { url: c.url } })
      : (new Queue(name, { connection: { connectionString: c.url, migrate: true } }, createPostgresBackend) as unknown as Queue);

  it('refusing to demote the only admin is "refused", not an error', async () => {
    await createUser({ email: 'only@x', password: 'a long password', role: 'admin' });
    await expect(updateUser(ctxAs('admin', 'only@x'), { email: 'only@x' }, { role: 'viewer' })).rejects.toThrow('This is the only admin');
    expect(await lastAudit()).toMatchObject({ action: 'user.update', outcome: 'refused', actor: 'only@x' });
  });

  it('a job in the wrong state (409) or gone (404) is "refused"', async () => {
    const outcomes = c.track(queue('outcomes'));
    const job = await outcomes.add('x', {});
    await expect(retryJob(ctxAs('operator'), { conn: 'default', queue: 'outcomes', id: job.id! })).rejects.toThrow(/only failed or completed jobs can be retried/);
    expect(await lastAudit()).toMatchObject({ action: 'job.retry', outcome: 'refused' });
    // Another operator: one actor's refusals of one operation fold into one entry for 10 minutes.
    await expect(retryJob(ctxAs('operator', 'other@test'), { conn: 'default', queue: 'outcomes', id: 'ghost' })).rejects.toThrow(/ghost/);
    expect(await lastAudit()).toMatchObject({ action: 'job.retry', outcome: 'refused', actor: 'other@test', jobIds: ['ghost'] });
  });
});

describe('audit outcomes of errors', () => {
  it('only a failing store is an "error"', () => {
    expect(outcomeOf(new ConflictError('x'))).toBe('refused');
    expect(outcomeOf(new NotFoundError('x'))).toBe('refused');
    expect(outcomeOf(new RateLimitedError('x', 1))).toBe('denied');
    expect(outcomeOf(new UnavailableError('x'))).toBe('error');
    expect(outcomeOf(new RedisOutOfMemoryError('default'))).toBe('error');
  });
});
