// Whether a starting process is still getting somewhere: the CPU time of its process tree (Linux /proc)
// and the output it printed. Waits on a process (tests, scripts/e2e-server.mjs) run for as long as it
// makes progress and fail once it exits or stalls, instead of after a fixed time that a loaded machine
// overruns.
import fs from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** Parsed /proc/<pid>/stat, or null when the process is gone (or there is no /proc). */
function readStat(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may contain spaces: fields are counted after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return { ppid: Number(fields[1]), ticks };
}

/**
 * CPU milliseconds used so far by `rootPid` and every live descendant (children it has reaped count in
 * its own figure). Undefined when /proc cannot be read (not Linux, or the process is gone).
 */
export function treeCpuMs(rootPid) {
  const root = readStat(rootPid);
  if (!root) return undefined;
  const parentOf = new Map();
  const ticksOf = new Map([[rootPid, root.ticks]]);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    parentOf.set(Number(entry), stat.ppid);
    ticksOf.set(Number(entry), stat.ticks);
  }
  let ticks = 0;
  for (const [pid, pidTicks] of ticksOf) {
    // Walks up to the root (or to init): a descendant of rootPid counts.
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parentOf.get(p) ?? 0, hops++) {
      if (p === rootPid) {
        ticks += pidTicks;
        break;
      }
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * Tracks one process's progress between checks. `progressed()` is true when, since the last progress,
 * the tree used at least `minCpuMs` of CPU or the output grew; `stalledForMs` says how long neither
 * has happened. A timer-driven idle process (a few ms a second) does not count as progressing.
 */
export class ProgressWatch {
  /**
   * @param {number} pid
   * @param {{ outputLength?: () => number, minCpuMs?: number, now?: () => number }} [opts]
   */
  constructor(pid, opts = {}) {
    this.pid = pid;
    this.outputLength = opts.outputLength ?? (() => 0);
    this.minCpuMs = opts.minCpuMs ?? 1_000;
    this.now = opts.now ?? (() => Date.now());
    this.lastProgressAt = this.now();
    this.cpuAtProgress = treeCpuMs(pid) ?? 0;
    this.outputAtProgress = this.outputLength();
    this.lastCpuMs = this.cpuAtProgress;
  }

  /** Samples the process now; true when it made progress since the last progress. */
  progressed() {
    const cpu = treeCpuMs(this.pid);
    if (cpu !== undefined) this.lastCpuMs = cpu;
    const output = this.outputLength();
    if (output !== this.outputAtProgress || this.lastCpuMs - this.cpuAtProgress >= this.minCpuMs) {
      this.lastProgressAt = this.now();
      this.cpuAtProgress = this.lastCpuMs;
      this.outputAtProgress = output;
      return true;
    }
    return false;
  }

  /** Milliseconds since the last progress (as of the last `progressed()`). */
  get stalledForMs() {
    return this.now() - this.lastProgressAt;
  }

  /** CPU ms the tree used since the last progress (as of the last sample). */
  get cpuSinceProgressMs() {
    return this.lastCpuMs - this.cpuAtProgress;
  }
}
