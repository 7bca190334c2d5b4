// The wait the specs use on processes they start (waitWhileProgressing): it outlasts the test's own
// timeout while the process works, and fails soon, with the output, when the process hangs or exits.
import { spawn } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { waitWhileProgressing } from './console-process';

function node(code: string) {
  let output = '';
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

test('a process that keeps working is waited for past the test timeout', async () => {
  test.setTimeout(3_000);
  // Busy for 5 s without a word (only its CPU time shows progress), then done.
  const proc = node(`const end = Date.now() + 5000; while (Date.now() < end) {} console.log('done')`);
  try {
    await waitWhileProgressing(proc, 'the busy process done', () => proc.output().includes('done'), { stallMs: 4_000 });
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('a process that hangs fails the wait once it made no progress for the stall time, with its output', async () => {
  const proc = node(`console.log('listening, then nothing'); setInterval(() => {}, 1000)`);
  try {
    const started = Date.now();
    const error = await waitWhileProgressing(proc, 'the hung process ready', () => false, { stallMs: 2_000 }).then(() => null, (err: Error) => err);
    expect(error?.message).toContain('no progress for');
    expect(error?.message).toContain('listening, then nothing');
    expect(Date.now() - started).toBeLessThan(15_000);
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('a process that exits fails the wait at once, with its output', async () => {
  const proc = node(`console.error('config is broken'); process.exit(3)`);
  const error = await waitWhileProgressing(proc, 'the broken process ready', () => false).then(() => null, (err: Error) => err);
  expect(error?.message).toContain('the process exited (3)');
  expect(error?.message).toContain('config is broken');
});
