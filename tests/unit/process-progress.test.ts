// The progress a wait on a starting process goes by (scripts/lib/process-progress.mjs): CPU of the
// process tree and output count as progress; a process that only sleeps stalls.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ProgressWatch, treeCpuMs } from '../../scripts/lib/process-progress.mjs';

const children: ChildProcess[] = [];
afterEach(() => {
  // Each test's process leads its own group: the group goes, grandchildren included.
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A node process that runs `code`; resolves once it printed its first line. */
async function run(code: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  children.push(child);
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return child;
}

describe.runIf(process.platform === 'linux')('process progress', () => {
  it("counts the CPU of a process's children in its tree", async () => {
    // A parent that sleeps, with a child that spins (for 20 s at most, should anything outlive the test).
    const parent = await run(`
      const { spawn } = require('node:child_process');
      const c = spawn(process.execPath, ['-e', 'console.log(1); const end = Date.now() + 20000; while (Date.now() < end) {}'], { stdio: ['ignore', 'pipe', 'inherit'] });
      c.stdout.once('data', () => console.log('child running'));
      setInterval(() => {}, 1000);
    `);
    const before = treeCpuMs(parent.pid!)!;
    const watch = new ProgressWatch(parent.pid!, { minCpuMs: 200 });
    await expect.poll(() => watch.progressed(), { timeout: 10_000 }).toBe(true);
    expect(treeCpuMs(parent.pid!)!).toBeGreaterThanOrEqual(before + 200);
  });

  it('sees a sleeping process as stalled, and output as progress', async () => {
    const child = await run(`console.log('up'); process.stdin.resume(); setInterval(() => {}, 1000)`);
    let clock = 0;
    let output = 0;
    const watch = new ProgressWatch(child.pid!, { outputLength: () => output, now: () => clock });
    clock = 60_000;
    expect(watch.progressed()).toBe(false);
    expect(watch.stalledForMs).toBe(60_000);
    output = 10;
    expect(watch.progressed()).toBe(true);
    expect(watch.stalledForMs).toBe(0);
  });

  it('reads nothing for a process that is gone', async () => {
    const child = await run(`console.log('bye')`);
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    expect(treeCpuMs(child.pid!)).toBeUndefined();
  });
});
