"use client";
// Browser-wide providers: one react-query client for the tab. Data stays fresh through the live
// stream (components/live-events.tsx), so nothing refetches on focus or on a timer.
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiError } from "@/components/api/api-error";

function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError(error) {
        // The session ended (expired, or the user was removed): back to the login page.
        if (error instanceof ApiError && error.status === 401 && typeof window !== "undefined") {
          window.location.assign("/login");
        }
      },
    }),
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        staleTime: 30_000,
        // Client errors (4xx) will not change on retry; network and server errors might.
        retry: (failureCount, error) => !(error instanceof ApiError && error.status < 500) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
