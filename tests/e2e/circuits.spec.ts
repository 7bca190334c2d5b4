// Circuit breakers on the Busy page (README › Circuit breakers): a spawned Drover worker process opens
// the circuit of a failing receiver; an operator sees it under External services and resets it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { Queue } from 'bullmq';
import { redisUrl, storageStatePath } from './support';

// Playwright runs from the repository's root.
const root = process.cwd();

test.describe('Circuit breakers', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('an operator sees an open circuit of a failing receiver on the Busy page and resets it', async ({ page }) => {
    let failing = true;
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(failing ? 503 : 200).end(failing ? 'down' : 'ok'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const destination = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const env = {
      ...process.env,
      REDIS_URL: redisUrl(),
      DROVER_CONFIG: undefined,
      NODE_OPTIONS: undefined,
      WEBHOOK_SECRET: 's',
      DROVER_EGRESS_ALLOW: '127.0.0.1',
      DROVER_CIRCUIT_FAILURES: '1',
      // Open long enough for the operator to reset it by hand.
      DROVER_CIRCUIT_COOLDOWN_MS: '600000',
    } as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'workers/main.ts', 'webhook'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const queue = new Queue('webhook', { connection: { url: redisUrl() } });
    let jobId: string | undefined;
    try {
      // tsx compiles the runtime on start: long on a loaded machine.
      await expect.poll(() => output.includes('"event":"workers.ready"') || child.exitCode !== null, { timeout: 180_000 }).toBe(true);
      expect(child.exitCode, output).toBeNull();
      jobId = (await queue.add('deliver', { url: `${destination}/hook`, payload: { e2e: 'circuits' } }, { attempts: 5, backoff: { type: 'fixed', delay: 200 } })).id;
      await expect.poll(() => output.includes(`"event":"circuit.opened","destination":"${destination}"`), { timeout: 60_000 }).toBe(true);
      // The receiver is back: nothing can fail and re-open the circuit after the reset.
      failing = false;

      await page.goto('/busy');
      const row = page.getByTestId('circuit-row').filter({ hasText: destination });
      await expect(row.getByTestId('circuit-state')).toHaveText('open', { timeout: 30_000 });
      await expect(row).toContainText('503');
      await row.getByRole('button', { name: 'Reset' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Reset' }).click();
      await expect(page.getByText(`Circuit of ${destination} closed (was open)`)).toBeVisible({ timeout: 15_000 });
      await expect(row.getByTestId('circuit-state')).toHaveText('closed', { timeout: 15_000 });
      await expect(row).toContainText('reset by');
    } finally {
      child.kill('SIGKILL');
      // Held back until the cool-down's end: not left in the shared webhook queue.
      if (jobId) await queue.remove(jobId).catch(() => {});
      await queue.close();
      receiver.closeAllConnections();
      receiver.close();
    }
  });
});
