// GET /api/forecasts/options — the devices and metrics that have forecasts, for the pickers.
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { listForecastOptions } from "@/lib/db/forecast-view-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({});

export const GET = withSession(
  async (req) => {
    querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse(await listForecastOptions(db()));
  },
  { permission: "alerts:read" },
);
