export function treeCpuMs(rootPid: number): number | undefined;
export class ProgressWatch {
  constructor(pid: number, opts?: { outputLength?: () => number; minCpuMs?: number; now?: () => number });
  readonly pid: number;
  progressed(): boolean;
  readonly stalledForMs: number;
  readonly cpuSinceProgressMs: number;
}
