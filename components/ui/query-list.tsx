"use client";
// The four states of a list a dashboard panel loads: placeholder rows while loading, what failed with
// a retry, an empty state that says what to do, or the list itself.
import type { ReactNode } from "react";
import { LoadError } from "./load-error";
import { SkeletonRows } from "./skeleton-rows";

interface ListQuery<T> {
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  error: Error | null;
  data: T[] | undefined;
  refetch: () => unknown;
}

export function QueryList<T>({
  query,
  what,
  empty,
  children,
}: {
  query: ListQuery<T>;
  /** "the business calendar": used in "Loading …" and "Could not load …". */
  what: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  return (
    <div aria-busy={query.isPending}>
      {query.isPending ? (
        <SkeletonRows label={`Loading ${what}`} />
      ) : query.isError || !query.data ? (
        <LoadError what={what} error={query.error ?? new Error("no data")} onRetry={() => void query.refetch()} retrying={query.isFetching} />
      ) : query.data.length === 0 ? (
        <div className="empty-state">{empty}</div>
      ) : (
        children(query.data)
      )}
    </div>
  );
}
