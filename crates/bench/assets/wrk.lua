-- wrk script of `cargo xtask bench`. WRK_MODE picks the requests:
--   path   the URL's own path every time (the default)
--   get    /api/v1/completions/<a random one of WRK_IDS, a comma-separated
--          list, or any id up to WRK_MAX_ID without one>
--   range  the URL's path with a random WRK_RANGE_BYTES Range inside WRK_FILE_BYTES
-- done() prints one JSON line, marked, with the figures xtask keeps.

local mode = os.getenv("WRK_MODE") or "path"
local max_id = tonumber(os.getenv("WRK_MAX_ID") or "1")
local file_bytes = tonumber(os.getenv("WRK_FILE_BYTES") or "0")
local range_bytes = tonumber(os.getenv("WRK_RANGE_BYTES") or "1048576")
local counter = 0
local ids = {}
for id in string.gmatch(os.getenv("WRK_IDS") or "", "%d+") do
  ids[#ids + 1] = id
end

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  if mode == "get" then
    local id = #ids > 0 and ids[math.random(1, #ids)] or math.random(1, max_id)
    return wrk.format("GET", "/api/v1/completions/" .. id)
  elseif mode == "range" then
    local first = math.random(0, file_bytes - range_bytes)
    -- Headers given to wrk.format replace those of -H; keep them.
    local headers = {}
    for name, value in pairs(wrk.headers) do
      headers[name] = value
    end
    headers["Range"] = "bytes=" .. first .. "-" .. (first + range_bytes - 1)
    return wrk.format("GET", wrk.path, headers)
  end
  return wrk.format("GET", wrk.path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"socket_errors":%d,"status_errors":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
