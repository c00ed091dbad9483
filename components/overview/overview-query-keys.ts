// Query key of the Overview panels (GET /api/overview), refetched by the live stream.
export const overviewQueryKeys = { all: ["overview"] as const };
