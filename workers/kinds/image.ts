// image: resize/convert an image file or URL with sharp into .data/images/ (sandboxed processor).
import { z } from 'zod';
import { defineJobKind, retention } from '../kind';

export const imageDataSchema = z.object({
  source: z.string().min(1).max(2_000).describe('http(s) URL (under the egress policy: internal addresses need DROVER_EGRESS_ALLOW), or a file path under the data dir (or DROVER_IMAGE_SOURCE_DIRS)'),
  width: z.number().int().min(1).max(8_000).optional(),
  height: z.number().int().min(1).max(8_000).optional(),
  fit: z.enum(['cover', 'contain', 'fill', 'inside', 'outside']).default('inside'),
  format: z.enum(['png', 'jpeg', 'webp', 'avif']).default('webp'),
  quality: z.number().int().min(1).max(100).default(80),
  name: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1-100 letters, digits, ".", "_" or "-"')
    .optional()
    .describe('Output file name without extension (default: the source name)'),
});
export type ImageData = z.infer<typeof imageDataSchema>;

export const imageKind = defineJobKind({
  kind: 'image',
  queue: 'image',
  jobNames: ['resize'],
  description: 'Resize and convert an image (file or URL) with sharp into .data/images/. Runs in a separate process (BullMQ sandbox) because it is CPU heavy; reports progress per step.',
  dataSchema: imageDataSchema,
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 }, ...retention(1_000, 2_000) },
  // CPU bound: libvips already uses several threads per image.
  concurrency: 2,
  sandboxed: true,
});
