// What the links operations take and answer (lib/operations/links.ts).
import { z } from 'zod';
import { linkTemplateSchema, linkTemplatesSchema } from './link-template';

/** One scope's templates: those of the config file (read-only in the console) and those admins set. */
export const linkSetSchema = z.object({ config: z.array(linkTemplateSchema), console: z.array(linkTemplateSchema) });
export type LinkSet = z.infer<typeof linkSetSchema>;

/** A connection's links, and a queue's when asked about one. */
export const linksViewSchema = z.object({ connection: linkSetSchema, queue: linkSetSchema.optional() });
export type LinksView = z.infer<typeof linksViewSchema>;

export const setLinksInputSchema = z.object({ templates: linkTemplatesSchema }).strict();
export type SetLinksInput = z.infer<typeof setLinksInputSchema>;

export const renderedLinkSchema = z.object({
  label: z.string(),
  href: z.string().nullable(),
  missing: z.array(z.string()),
  problem: z.string().optional(),
  scope: z.enum(['connection', 'queue']),
  source: z.enum(['config', 'console']),
});
