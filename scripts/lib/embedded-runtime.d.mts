export function runtimeFile(dataDir: string): string;
export function writeRuntime(dataDir: string, info: { url: string; port: number; pid: number }): void;
export function clearRuntime(dataDir: string): void;
export function reachEmbeddedRedis(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }>;
