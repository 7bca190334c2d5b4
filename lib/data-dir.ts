import path from 'node:path';

/** Where the console keeps its local files (embedded Redis data, auth secret, outbox, images, reports). */
export function dataDir(...parts: string[]): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DROVER_DATA_DIR || '.data', ...parts);
}
