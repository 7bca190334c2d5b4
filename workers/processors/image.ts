// Resizes/converts an image with sharp. Runs in a BullMQ sandbox (child process, see image.sandbox.mjs):
// keep imports relative and free of server-only modules.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileInside, safeFileName } from './safe-file-name';
import { threadId } from 'node:worker_threads';
import sharp, { type Metadata } from 'sharp';
import type { SandboxedJob } from 'bullmq';
import { imageDataSchema } from '../../lib/job-kinds/image';
import { dataDir } from '../../lib/data-dir';
import { egressRequest, type EgressResponse } from '../../lib/egress/egress-request';
import { isEgressRefusal } from '../../lib/egress/policy';
import { DEFAULT_RETRY_AFTER_MS, parseRetryAfter } from '../failures';

export type ImageResult = {
  file: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  source: { width: number; height: number; format: string; bytes: number };
  /** Where it ran: proves the sandbox (differs from the worker process). */
  pid: number;
  parentPid: number;
  threadId: number;
};

const MAX_SOURCE_BYTES = 50 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

/** Unrecoverable by name: the error crosses the process boundary as JSON, BullMQ checks err.name. */
function permanent(message: string): Error {
  const err = new Error(message);
  err.name = 'UnrecoverableError';
  return err;
}

/**
 * The host asks to slow down: a PeerRateLimitError by name and `retryAfterMs` (what crosses the process
 * boundary), so the runtime delays the job without using an attempt and its circuit does not count it
 * (README › Circuit breakers). No `peer`: image jobs do not check receiver pauses.
 */
function rateLimited(what: string, retryAfter: string | undefined | null): Error {
  const wait = parseRetryAfter(retryAfter) ?? DEFAULT_RETRY_AFTER_MS;
  return Object.assign(new Error(`${what}: rate limited, retry after ${Math.round(wait / 100) / 10} s`), { name: 'PeerRateLimitError', retryAfterMs: wait });
}

function allowedSourceDirs(): string[] {
  const extra = (process.env.DROVER_IMAGE_SOURCE_DIRS ?? '').split(path.delimiter).filter(Boolean);
  return [dataDir(), ...extra].map((d) => path.resolve(d));
}

async function loadSource(source: string, signal?: AbortSignal): Promise<{ buffer: Buffer; label: string }> {
  if (/^https?:\/\//i.test(source)) {
    const url = new URL(source);
    let res: EgressResponse;
    try {
      // Under the egress policy (lib/egress), and no redirects: a public URL must not bounce the worker
      // to an internal address.
      res = await egressRequest(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]) : AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (err) {
      if (signal?.aborted) throw err;
      if (isEgressRefusal(err)) throw permanent(err.message);
      throw new Error(`downloading ${url.host} failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (res.status < 200 || res.status >= 300) res.discard();
    if (res.status >= 300 && res.status < 400) throw permanent(`${url.host} answered HTTP ${res.status} (a redirect; redirects are not followed)`);
    if (res.status === 429) throw rateLimited(`${url.host} answered HTTP 429 for the image`, res.header('retry-after'));
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw permanent(`${url.host} answered HTTP ${res.status} for the image`);
    if (res.status < 200 || res.status >= 300) throw new Error(`${url.host} answered HTTP ${res.status} for the image: will retry`);
    const length = Number(res.header('content-length') ?? 0);
    if (length > MAX_SOURCE_BYTES) {
      res.discard();
      throw permanent(`image is ${length} bytes, more than the ${MAX_SOURCE_BYTES} allowed`);
    }
    // Read with a byte cap: a chunked response has no content-length to check up front.
    const { bytes, truncated } = await res.readBody(MAX_SOURCE_BYTES);
    if (truncated) throw permanent(`image is more than the ${MAX_SOURCE_BYTES} bytes allowed`);
    return { buffer: bytes, label: path.basename(url.pathname) || url.host };
  }
  // Real paths on both sides: a symlink inside an allowed directory must not lead out of it.
  const file = await fs.realpath(path.resolve(dataDir(), source)).catch(() => path.resolve(dataDir(), source));
  const dirs = await Promise.all(allowedSourceDirs().map((d) => fs.realpath(d).catch(() => d)));
  if (!dirs.some((dir) => file === dir || file.startsWith(dir + path.sep))) {
    throw permanent(`source ${file} is outside the allowed directories (${dirs.join(', ')}); set DROVER_IMAGE_SOURCE_DIRS to allow more`);
  }
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_SOURCE_BYTES) throw permanent(`image is ${stat.size} bytes, more than the ${MAX_SOURCE_BYTES} allowed`);
    return { buffer: await fs.readFile(file), label: path.basename(file) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw permanent(`source file ${file} does not exist`);
    throw err;
  }
}

export default async function processImage(job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<ImageResult> {
  const data = imageDataSchema.parse(job.data);
  const step = async (progress: number, message: string) => {
    signal?.throwIfAborted();
    await job.log(message);
    await job.updateProgress(progress);
  };

  await step(5, `loading ${data.source}`);
  const { buffer, label } = await loadSource(data.source, signal);

  let meta: Metadata;
  try {
    meta = await sharp(buffer).metadata();
  } catch (err) {
    throw permanent(`${label} is not an image sharp can read: ${(err as Error).message}`);
  }
  await step(25, `loaded ${label}: ${meta.width}x${meta.height} ${meta.format}, ${buffer.length} bytes`);

  const pipeline = sharp(buffer).rotate();
  if (data.width || data.height) pipeline.resize({ width: data.width, height: data.height, fit: data.fit, withoutEnlargement: false });
  await step(50, `resizing to ${data.width ?? 'auto'}x${data.height ?? 'auto'} (${data.fit})`);

  pipeline.toFormat(data.format, { quality: data.quality });
  const { data: output, info } = await pipeline.toBuffer({ resolveWithObject: true });
  await step(80, `encoded ${info.width}x${info.height} ${info.format}, ${info.size} bytes`);

  const outDir = dataDir('images');
  await fs.mkdir(outDir, { recursive: true });
  const base = safeFileName(data.name ?? path.parse(label).name, 100);
  const file = fileInside(outDir, `${base}-${safeFileName(String(job.id))}.${data.format}`);
  await fs.writeFile(file, output);
  await step(100, `written to ${file}`);

  return {
    file,
    width: info.width,
    height: info.height,
    format: info.format,
    bytes: info.size,
    source: { width: meta.width ?? 0, height: meta.height ?? 0, format: meta.format ?? 'unknown', bytes: buffer.length },
    pid: process.pid,
    parentPid: process.ppid,
    threadId,
  };
}
