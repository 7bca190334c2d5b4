// The name every Drover worker process gives its BullMQ Workers, and how the console recognises it.
// BullMQ puts the name in the blocking connection's client name, "<prefix>:<base64(queue)>:w:<name>",
// so `getWorkers()` / CLIENT LIST show which host and process runs each queue.
import os from 'node:os';

const DROVER_NAME = /^drover@(?<host>[^\s:]+):(?<pid>\d+)$/;

/** "drover@<hostname>:<pid>" — stable for the life of a worker process. */
export function droverWorkerName(hostname: string = os.hostname(), pid: number = process.pid): string {
  // Client names may not contain spaces; hostnames never should, but a stray one must not break SETNAME.
  return `drover@${hostname.replace(/[\s:]/g, '-')}:${pid}`;
}

export function isDroverWorkerName(name: string | undefined | null): boolean {
  return typeof name === 'string' && DROVER_NAME.test(name);
}

/** { host, pid } of a Drover worker name, or null for any other worker. */
export function parseDroverWorkerName(name: string | undefined | null): { host: string; pid: number } | null {
  const match = typeof name === 'string' ? DROVER_NAME.exec(name) : null;
  if (!match?.groups) return null;
  return { host: match.groups.host, pid: Number(match.groups.pid) };
}
