// Worker control from the Busy page (README › Workers › Controlling workers): an operator quiets a
// spawned Drover worker process and sees its state change, then resumes it; the concurrency field's
// bound is the server's; once the process is killed it is shown as gone. The process serves the
// `report` queue: operate.spec holds the `webhook` queue's worker to account (quiet means nothing is taken),
// and Playwright runs files side by side, so a second webhook worker here would take its jobs.
import { spawn } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { redisUrl, storageStatePath, stretched } from './support';

// Playwright runs from the repository's root.
const root = process.cwd();

test.describe('Worker control', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('an operator quiets a Drover worker process from the Busy page and resumes it; killed, it is shown as gone', async ({ page }) => {
    const env = { ...process.env, REDIS_URL: redisUrl(), DROVER_CONFIG: undefined, NODE_OPTIONS: undefined, WEBHOOK_SECRET: 's', DROVER_BUSY_HEARTBEAT_MS: '500' } as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'workers/main.ts', 'report'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // tsx compiles the runtime on start: long on a loaded machine.
      await expect.poll(() => output.includes('"event":"workers.ready"') || child.exitCode !== null, { timeout: stretched(180_000) }).toBe(true);
      expect(child.exitCode, output).toBeNull();
      await page.goto('/busy');
      const card = page.getByRole('article', { name: new RegExp(`^Worker drover@.+:${child.pid}$`) });
      await expect(card).toBeVisible({ timeout: stretched(30_000) });
      await expect(card.getByTestId('worker-state')).toHaveText('running');

      await card.getByRole('button', { name: 'Quiet' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Quiet' }).click();
      await expect(page.getByText(/is quiet: it finishes its running jobs and takes no new ones/)).toBeVisible({ timeout: stretched(15_000) });
      await expect(card.getByTestId('worker-state')).toHaveText('quiet', { timeout: stretched(15_000) });

      await card.getByRole('button', { name: 'Resume' }).click();
      await expect(card.getByTestId('worker-state')).toHaveText('running', { timeout: stretched(15_000) });

      // The concurrency field offers what the server takes: DROVER_MAX_WORKER_CONCURRENCY (default 50), not more.
      await card.getByRole('button', { name: 'Concurrency of report on Drover workers' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog.getByRole('spinbutton')).toHaveAttribute('max', '50');
      await expect(dialog).toContainText('(1–50)');
      await dialog.getByRole('button', { name: 'Cancel' }).click();

      // Killed (no graceful stop): after 3 missed beats the card goes and a greyed "gone" card says since when.
      child.kill('SIGKILL');
      const gone = page.getByRole('article', { name: new RegExp(`^Gone worker drover@.+:${child.pid}$`) });
      await expect(gone).toBeVisible({ timeout: stretched(30_000) });
      await expect(card).toHaveCount(0);
      await expect(gone.getByTestId('busy-gone-since')).toContainText('gone since');
      // The exact time of its last heartbeat on hover.
      await expect(gone.getByTestId('busy-gone-since').locator('time')).toHaveAttribute('title', /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
