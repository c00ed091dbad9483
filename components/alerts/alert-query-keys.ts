// Every react-query key for alerts in one place. Lists live under ["alerts", "list", …] (data:
// AlertPage) so one prefix reaches them all; the Anomalies table's pages live under
// ["alerts", "table", …] (data: InfiniteData<AlertPage>); a single alert lives under ["alert", id].
export const FEED_FILTER = { view: "feed" } as const;

export const alertQueryKeys = {
  all: ["alerts"] as const,
  lists: ["alerts", "list"] as const,
  feed: ["alerts", "list", FEED_FILTER] as const,
  tables: ["alerts", "table"] as const,
  table: (filter: Record<string, string>) => ["alerts", "table", filter] as const,
  filterOptions: ["alerts", "filter-options"] as const,
  counts: ["alerts", "counts"] as const,
  details: ["alert"] as const,
  detail: (id: number) => ["alert", id] as const,
  notes: (id: number) => ["alert-notes", id] as const,
  context: (id: number) => ["alert-context", id] as const,
};
