// Worker control from the Busy page (README › Workers › Controlling workers): an operator quiets a
// spawned Drover worker process and sees its state change, then resumes it. The process serves the
// `report` queue: operate.spec holds the `webhook` queue's worker to account (quiet means nothing is taken),
// and Playwright runs files side by side, so a second webhook worker here would take its jobs.
import { spawn } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { redisUrl, storageStatePath, stretched } from './support';

// Playwright runs from the repository's root.
const root = process.cwd();

test.describe('Worker control', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('an operator quiets a Drover worker process from the Busy page and resumes it', async ({ page }) => {
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
    } finally {
      child.kill('SIGKILL');
    }
  });
});
