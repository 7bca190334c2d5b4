// An operator's bad day, dead-letter side: a job Drover's runtime ran fails for good, and its dead letter's
// page tells one story — one breadcrumb and one title, the original job's data (not the envelope around
// it), the attempts the runtime recorded, and as many log lines as the original job has.
import { spawn, type ChildProcess } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { Queue } from 'bullmq';
import { redisUrl, storageStatePath, stretched } from './support';
import { waitWhileProgressing } from './console-process';

/** Starts tests/e2e/fixtures/failing-runtime.ts on `queue`; resolves once its worker runs. */
async function startFailingRuntime(queue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'tests/e2e/fixtures/failing-runtime.ts', queue], {
    env: { ...process.env, REDIS_URL: redisUrl(), NODE_OPTIONS: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Starting tsx on a busy 2-core machine can take a while: waited for as long as it gets somewhere.
  await waitWhileProgressing({ child, output: () => output }, 'the failing runtime ready', () => output.includes('ready'));
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

test.use({ storageState: storageStatePath('operator') });

test("a dead letter's page shows the original job: one breadcrumb and title, its data, attempts and logs", async ({ page }) => {
  test.setTimeout(stretched(180_000));
  const name = `bad-day-convert-${Date.now()}`;
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  let runtime: ChildProcess | undefined;
  try {
    runtime = await startFailingRuntime(name);
    const job = await queue.add('convert', { file: '/srv/uploads/missing-a.png' }, { attempts: 2 });
    await expect.poll(() => queue.getJobState(job.id!), { timeout: 30_000 }).toBe('failed');
    const original = (await queue.getJob(job.id!))!;
    expect(original.attemptsMade).toBe(2);
    const { count: logCount } = await queue.getJobLogs(job.id!);
    // The processor's line and the runtime's line, per attempt.
    expect(logCount).toBe(4);

    // The runtime captured it: the DLQ lists it under its origin queue.
    await page.goto(`/dlq/default?queue=${name}`);
    const rows = page.getByTestId('dlq-table').locator('tbody tr');
    await expect(async () => {
      await page.reload();
      await expect(rows).toHaveCount(1, { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await rows.first().getByRole('link', { name: /^Open dead letter/ }).click();
    await expect(page).toHaveURL(/\/dlq\/default\/dl-[0-9a-f]{32}$/);

    // One breadcrumb, Dead letters › origin queue › original job id, and one title.
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    await expect(crumbs).toHaveCount(1);
    await expect(crumbs.getByRole('listitem')).toHaveText(['Dead letters', name, `#${job.id}`]);
    await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('convert');
    await expect(page.getByTestId('failed-reason')).toHaveText('source file /srv/uploads/missing-a.png does not exist');

    // The original job's data, not the envelope wrapped around it.
    const data = page.getByTestId('dlq-data');
    await expect(data).toContainText('/srv/uploads/missing-a.png');
    await expect(data).not.toContainText('capturedBy');
    await expect(data).not.toContainText('failedReason');

    // The attempts Drover's runtime recorded for the original job, newest first.
    const attempts = page.getByTestId('attempts');
    await expect(attempts).not.toContainText('No per-attempt records');
    await expect(attempts.locator('tbody tr')).toHaveCount(2);
    await expect(attempts.locator('tbody tr').first()).toContainText('failed');
    await expect(attempts.locator('tbody tr').first()).toContainText(original.processedBy!);
    await expect(attempts.locator('tbody tr').first()).toContainText('source file /srv/uploads/missing-a.png does not exist');

    // As many log lines as the original job has, and its last line.
    await expect(page.getByTestId('logs-count')).toHaveText(`${logCount} lines`);
    await expect(page.getByTestId('log-lines').locator('li')).toHaveCount(logCount);
    await expect(page.getByTestId('log-lines')).toContainText('attempt 2 failed: source file /srv/uploads/missing-a.png does not exist');
  } finally {
    await stop(runtime);
    await queue.obliterate({ force: true });
    await queue.close();
  }
});
