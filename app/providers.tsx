'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { ToastProvider } from '@/components/ui/toast';
import { pauseAwareFocus } from '@/components/explorer/live-store';

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 2000, refetchOnWindowFocus: true, retry: 1 } },
      }),
  );
  useEffect(() => pauseAwareFocus(), []);
  // Marks the page as hydrated (event handlers attached): end-to-end tests wait for it before the first
  // click on a control that only works with JavaScript — a click before hydration is lost.
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>{children}</ToastProvider>
    </QueryClientProvider>
  );
}
