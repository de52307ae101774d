-- wrk script for `make loadtest` (scripts/loadtest.py): rotate through the site's public pages.
--
--   wrk -s scripts/loadtest.lua URL -- PATHS_FILE
--
-- PATHS_FILE holds one path per line. Each connection starts at a different place in the list
-- and takes the next path for each request. Requests say they came through the TLS proxy
-- (X-Forwarded-Proto: https), as production traffic does. At the end, one JSON line with the
-- latency percentiles and every kind of error goes to stdout for the Python side to read.

local paths = {}
local counter = 0
local host = "localhost"

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  file:close()
  if args[2] then
    host = args[2]
  end
  counter = math.random(#paths)
  wrk.headers["Host"] = host
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["User-Agent"] = "carter-loadtest"
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_ms": {"p50": %.2f, "p90": %.2f, "p99": %.2f, "max": %.2f, "mean": %.2f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000))
end
