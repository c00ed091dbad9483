import { describe, expect, it } from "vitest";
import { parseQueryRange, type DevicePoint } from "@/lib/telemetry/prometheus/parse-query-range";
import { isSeriesSelector, SeriesCursor } from "@/lib/telemetry/prometheus/series-samples";

const T0 = Date.parse("2026-11-17T14:00:00Z");
const MIN = 60_000;
const point = (minutes: number, value: number, series = "a", device = "10.0.0.5"): DevicePoint => ({ device, series, tsMs: T0 + minutes * MIN, value });

describe("isSeriesSelector", () => {
  it.each([
    { query: "up", selector: true },
    { query: "probe_duration_seconds", selector: true },
    { query: 'node_network_receive_bytes_total{device="eth0"}', selector: true },
    { query: ' node_load1{job="node", instance=~"db-.*:9100",} ', selector: true },
    { query: 'ifHCInOctets{ifName!~`lo|docker.*`, job!="x"}', selector: true },
    { query: "{__name__=~\"cpu_.*\", instance='a:1'}", selector: true },
    { query: "metric:recorded_rule", selector: true },
    { query: "metric{}", selector: true },
    { query: "{}", selector: false },
    { query: "rate(node_network_receive_bytes_total[5m])", selector: false },
    { query: 'avg by (instance) (probe_duration_seconds)', selector: false },
    { query: "node_load1 * 100", selector: false },
    { query: "node_load1[5m]", selector: false },
    { query: "node_load1 offset 5m", selector: false },
    { query: "node_load1 @ 1700000000", selector: false },
    { query: 'up{job="a"} or up{job="b"}', selector: false },
    { query: "100 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[1m])) * 100", selector: false },
  ])("$query → $selector", ({ query, selector }) => {
    expect(isSeriesSelector(query)).toBe(selector);
  });
});

describe("SeriesCursor: each real sample once", () => {
  it("a second pull overlapping the first delivers only the samples after it", () => {
    const cursor = new SeriesCursor();
    expect(cursor.take([point(0, 1), point(5, 2), point(10, 3)]).points.map((p) => p.value)).toEqual([1, 2, 3]);
    const again = cursor.take([point(5, 2), point(10, 3), point(15, 4)]);
    expect(again.points.map((p) => p.value)).toEqual([4]);
    expect(again.repeats).toBe(2);
  });

  it("series are followed apart, in time order whatever the answer's order", () => {
    const cursor = new SeriesCursor();
    const r = cursor.take([point(5, 2, "b"), point(0, 1, "b"), point(5, 7, "a")]);
    expect(r.points.map((p) => [p.series, p.value])).toEqual([["a", 7], ["b", 1], ["b", 2]]);
    expect(cursor.take([point(5, 7, "a"), point(5, 2, "b")]).points).toEqual([]);
  });

  it("an unchanged value at a new timestamp is a new sample (a real scrape)", () => {
    const cursor = new SeriesCursor();
    expect(cursor.take([point(0, 5), point(5, 5)]).points).toHaveLength(2);
  });

  it("values are scaled", () => {
    expect(new SeriesCursor().take([point(0, 0.25)], { scale: 1000 }).points[0]!.value).toBe(250);
  });

  it("forgets series not seen for a while", () => {
    const cursor = new SeriesCursor();
    cursor.take([point(0, 1, "a"), point(30, 1, "b")]);
    cursor.forgetBefore(T0 + 10 * MIN);
    expect(cursor.size).toBe(1);
    expect(cursor.take([point(0, 1, "a")]).points).toHaveLength(1);
  });
});

describe("SeriesCursor: counters become per-second rates", () => {
  // a counter scraped every 5 minutes: 3000 per scrape = 10/s
  it.each([
    { name: "steady counter", values: [0, 3000, 6000, 9000], rates: [10, 10, 10], resets: 0 },
    { name: "reset (restart): no rate for that interval, then rates resume", values: [50_000, 53_000, 100, 3100], rates: [10, 10], resets: 1 },
    { name: "reset to exactly 0", values: [9000, 12_000, 0, 3000], rates: [10, 10], resets: 1 },
    { name: "flat counter: rate 0", values: [500, 500, 500], rates: [0, 0], resets: 0 },
  ])("$name", ({ values, rates, resets }) => {
    const r = new SeriesCursor().take(values.map((v, i) => point(5 * i, v)), { counter: true });
    expect(r.points.map((p) => p.value)).toEqual(rates);
    expect(r.resets).toBe(resets);
    expect(r.points.every((p) => p.value >= 0 && p.value <= 10)).toBe(true);
  });

  it("the rate is at the later sample's time and over the real interval between samples", () => {
    const r = new SeriesCursor().take([point(0, 0), point(7, 4200)], { counter: true });
    expect(r.points).toEqual([{ device: "10.0.0.5", series: "a", tsMs: T0 + 7 * MIN, value: 10 }]);
  });

  it("the rate continues across pulls, and a reset between pulls gives no rate", () => {
    const cursor = new SeriesCursor();
    expect(cursor.take([point(0, 0), point(5, 3000)], { counter: true }).points.map((p) => p.value)).toEqual([10]);
    expect(cursor.take([point(5, 3000), point(10, 6000)], { counter: true }).points.map((p) => p.value)).toEqual([10]);
    const reset = cursor.take([point(15, 20)], { counter: true });
    expect(reset).toMatchObject({ points: [], resets: 1 });
    expect(cursor.take([point(20, 3020)], { counter: true }).points.map((p) => p.value)).toEqual([10]);
  });

  it("scale applies to the rate (bytes → bits)", () => {
    expect(new SeriesCursor().take([point(0, 0), point(5, 3000)], { counter: true, scale: 8 }).points[0]!.value).toBe(80);
  });

  it("a negative reading is skipped, not taken as a reset", () => {
    const r = new SeriesCursor().take([point(0, 0), point(5, -1), point(10, 6000)], { counter: true });
    expect(r).toMatchObject({ resets: 0, invalid: 1 });
    expect(r.points.map((p) => p.value)).toEqual([10]);
  });
});

describe("parseQueryRange series key", () => {
  it("tells two series of one device apart, whatever the label order", () => {
    const body = {
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          { metric: { instance: "10.0.0.5:9100", device: "eth0" }, values: [[1, "1"]] },
          { metric: { device: "eth1", instance: "10.0.0.5:9100" }, values: [[1, "2"]] },
          { metric: { device: "eth0", instance: "10.0.0.5:9100" }, values: [[2, "3"]] },
        ],
      },
    };
    const { points } = parseQueryRange(body, "instance");
    expect(points.map((p) => p.device)).toEqual(["10.0.0.5", "10.0.0.5", "10.0.0.5"]);
    expect(points[0]!.series).not.toBe(points[1]!.series);
    expect(points[0]!.series).toBe(points[2]!.series);
  });
});
