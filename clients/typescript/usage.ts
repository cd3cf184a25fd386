// Compiled by `make client-check` with `tsc --strict` against types generated from
// openapi/openapi.json by openapi-typescript: a frontend's everyday calls must type-check
// without a hand edit (issue 19). Never run; the Python client check drives the live app.
import createClient from "openapi-fetch";
import type { components, paths } from "./build/schema";

type Schemas = components["schemas"];

const client = createClient<paths>({
  baseUrl: "http://127.0.0.1:8000",
  headers: { Authorization: "Bearer vc_live_example" },
});

export async function walkThrough(customerId: string): Promise<string> {
  const tracker = await client.POST("/v1/trackers", {
    body: {
      customer_id: customerId,
      name: "Support desk",
      currency: "USD",
      start_month: "2026-01",
      end_month: "2026-12",
    },
  });
  if (tracker.error) throw new Error(tracker.error.title);
  const trackerId: string = tracker.data.id;

  const rows: Schemas["MeasurementRow"][] = [
    { calculation_id: "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7", month: "2026-01", value: "121" },
  ];
  const bulk = await client.POST("/v1/trackers/{tracker_id}/measurements/bulk", {
    params: { path: { tracker_id: trackerId } },
    body: { rows },
  });
  if (bulk.error) throw new Error(bulk.error.detail ?? bulk.error.title);

  const report = await client.GET("/v1/trackers/{tracker_id}/report", {
    params: { path: { tracker_id: trackerId }, query: { as_of: "2026-03" } },
  });
  if (report.error) throw new Error(report.error.title);
  const realized: string = report.data.totals.realized;
  const trend: Schemas["TrendDetailOut"]["headline"] =
    report.data.use_cases[0].calculations[0].trend_detail.headline;

  const csv = await client.GET("/v1/trackers/{tracker_id}/report.csv", {
    params: { path: { tracker_id: trackerId } },
    parseAs: "text",
  });
  const text: string | undefined = csv.data;

  const page = await client.GET("/v1/trackers", { params: { query: { limit: 50 } } });
  const names: string[] = (page.data?.items ?? []).map((item) => item.name);
  return [realized, trend, text ?? "", ...names].join(",");
}
