-- Prints what the benchmark needs from wrk: requests per second, p95 latency, errors.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p95_ms=%.2f p50_ms=%.2f errors=%d requests=%d\n",
    summary.requests / seconds, latency:percentile(95) / 1000, latency:percentile(50) / 1000,
    errors, summary.requests))
end
