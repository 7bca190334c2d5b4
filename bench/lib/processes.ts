// Child processes of a benchmark run: started in their own process group so a stop reaches the
// grandchildren too, and all stopped on exit, failure or Ctrl-C.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

type Tracked = { name: string; child: ChildProcess; exited: Promise<void> };

const tracked = new Set<Tracked>();
const cleanups: Array<() => Promise<void>> = [];

export type Started = {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
  stop: () => Promise<void>;
};

/** Stops the child's whole process group: SIGTERM, then SIGKILL after `graceMs`. */
async function stopTracked(t: Tracked, graceMs = 5000): Promise<void> {
  const { child } = t;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      try {
        child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
  await t.exited;
  clearTimeout(timer);
  tracked.delete(t);
}

export function startProcess(name: string, command: string, args: string[], opts: SpawnOptions = {}): Started {
  const child = spawn(command, args, { ...opts, detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const t: Tracked = { name, child, exited };
  tracked.add(t);
  exited.then(() => tracked.delete(t));
  return { child, pid: child.pid!, exited, stop: () => stopTracked(t) };
}

/** Extra cleanup (e.g. the private redis-server), run after the tracked children stop. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

let cleaning: Promise<void> | null = null;
let interrupted = false;

/** True after Ctrl-C / SIGTERM: failures of the work in flight are expected then. */
export function wasInterrupted(): boolean {
  return interrupted;
}

export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.allSettled([...tracked].map((t) => stopTracked(t)));
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
  })();
  return cleaning;
}

/** Ctrl-C / SIGTERM: stop everything, then exit. */
export function installSignalHandlers(log: (line: string) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping every process this run started…`);
      cleanupAll().finally(() => process.exit(130));
    });
  }
}

/** Resolves with the first stdout line matching `pattern`, or rejects when the child exits first. */
export function waitForLine(started: Started, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => {
      buffer += d.toString();
      const m = pattern.exec(buffer);
      if (m) {
        clearTimeout(timer);
        started.child.stdout?.off('data', onData);
        resolve(m);
      }
    };
    started.child.stdout?.on('data', onData);
    started.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`process exited before printing ${pattern}`));
    });
  });
}
