export function runtimeFile(dataDir: string): string;
export type EmbeddedRuntime = { url: string; port: number; pid: number; redisPid: number };
export function writeRuntime(dataDir: string, info: EmbeddedRuntime): void;
export function clearRuntime(dataDir: string): void;
export function readRuntime(dataDir: string): EmbeddedRuntime | null;
export function runningEmbeddedRedis(dataDir: string): Promise<EmbeddedRuntime | null>;
export function reachEmbeddedRedis(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }>;
