import type { ChildProcess } from 'node:child_process';

export function freePort(): Promise<number>;
export function ensureRedisServerBinary(opts?: { log?: (msg: string) => void }): string;
export function waitForPing(port: number, timeoutMs?: number, host?: string): Promise<void>;
export type RedisServerHandle = {
  url: string;
  port: number;
  dir: string;
  pid: number;
  process: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
};
export function startRedisServer(opts: {
  dir: string;
  port?: number;
  persistent?: boolean;
  detached?: boolean;
  extraArgs?: string[];
  log?: (msg: string) => void;
}): Promise<RedisServerHandle>;
