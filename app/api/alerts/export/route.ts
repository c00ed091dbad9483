// GET /api/alerts/export — the filtered alert table as CSV (same filters as GET /api/alerts), streamed
// in keyset pages so a large export never sits in memory. Capped at EXPORT_MAX_ROWS rows.
import { withSession } from "@/app/_server/session";
import { alertCsvHeader, alertCsvRows } from "@/lib/alerts/alert-csv";
import { alertFilterQuerySchema, toAlertFilter } from "@/lib/alerts/alert-list-query";
import { db } from "@/lib/db/client";
import { alertsForExport } from "@/lib/db/alert-queries";

export const dynamic = "force-dynamic";

const EXPORT_MAX_ROWS = 100_000;

export const GET = withSession(
  async (req, { user }) => {
    const query = alertFilterQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    const pages = alertsForExport(db(), toAlertFilter(query, user.id), { max: EXPORT_MAX_ROWS });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(alertCsvHeader()));
      },
      async pull(controller) {
        try {
          const next = await pages.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(alertCsvRows(next.value)));
        } catch (err) {
          controller.error(err);
        }
      },
      async cancel() {
        await pages.return(undefined);
      },
    });
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="tidewatch-alerts-${stamp}.csv"`,
        "cache-control": "no-store",
      },
    });
  },
  { permission: "alerts:read" },
);
