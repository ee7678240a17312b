-- wrk script for bench/http_load.py: adds the bearer token (env BENCH_TOKEN) to every
-- request and prints the figures as one JSON line, so nothing depends on parsing wrk's
-- human-readable output. Latencies are in microseconds.
local token = os.getenv("BENCH_TOKEN")
if token ~= nil and #token > 0 then
  wrk.headers["Authorization"] = "Bearer " .. token
end

-- BENCH_THINK_MS: each connection is a user who reads for that long on average (uniform,
-- half to one and a half times) before the next request; wrk's latencies exclude it.
local think = tonumber(os.getenv("BENCH_THINK_MS") or "0")
if think > 0 then
  delay = function()
    return math.random(math.floor(think / 2), math.floor(think * 3 / 2))
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"stdev":%.1f,' ..
    '"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max, latency.stdev,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
