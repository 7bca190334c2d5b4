// The console's link: next/link without prefetching. Every console page is rendered per request from
// Redis, and Next prefetches each link that scrolls into view — a list of 100 jobs made 100 job-page
// renders (each reading Redis) on every page view, and the sidebar four more. A click renders one page.
import NextLink from 'next/link';
import type { ComponentProps } from 'react';

export function Link({ prefetch = false, ...props }: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={prefetch} {...props} />;
}
