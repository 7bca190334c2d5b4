import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { headers } from 'next/headers';
import './globals.css';
import { Providers } from './providers';
import { themeScript } from './theme-script';
import { sidebarScript } from './sidebar-script';

export const metadata: Metadata = {
  title: { default: 'Drover', template: '%s · Drover' },
  description: 'Admin console for BullMQ job queues',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* Constants from theme-script.ts and sidebar-script.ts (no request or job data): React would escape them as text. */}
        {/* eslint-disable-next-line react/no-danger */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript + sidebarScript }} />
      </head>
      <body className="min-h-screen">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
