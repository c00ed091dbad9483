// GET /api/clusters — the newest peer-group run (clusters, device positions, outliers, drift); { run: null } before the first.
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import type { ClustersResponse } from "@/lib/dashboards/cluster-view";
import { db } from "@/lib/db/client";
import { getClusterRunView } from "@/lib/db/cluster-view-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({});

export const GET = withSession(
  async (req) => {
    querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    const body: ClustersResponse = { run: await getClusterRunView(db()) };
    return jsonResponse(body);
  },
  { permission: "alerts:read" },
);
