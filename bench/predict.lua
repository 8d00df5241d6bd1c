-- wrk script for the side-by-side benchmark (bench/run.sh writes the body file and sets the variables).
--
--   BENCH_BODY_FILE=bench/results/body.json wrk -t2 -c64 -d10s --latency -s bench/predict.lua https://127.0.0.1:PORT/predict
--
-- Environment:
--   BENCH_BODY_FILE      JSON request body to POST (e.g. {"text": "<a 1-2 KB e-mail>"}); required for POST
--   BENCH_METHOD         POST (default) or GET (then no body is sent: the trivial-endpoint floor, /health/live)
--   BENCH_AUTHORIZATION  optional: sent as the Authorization header on every request (e.g. "Bearer <key>")
--   BENCH_MAX_REQUESTS   optional: each wrk thread stops after sending this many requests (the soak run);
--                        -d is then only an upper bound: the thread prints "BENCH_THREAD_DONE" and the runner
--                        sends wrk SIGINT once every thread is done (wrk itself would wait for -d).
--                        Without it the request is static (cheapest for wrk).
--
-- Keep-alive is wrk's default (HTTP/1.1). Non-2xx/3xx responses are counted by wrk itself
-- (summary.errors.status, printed as "Non-2xx or 3xx responses"); no response() callback is defined
-- because one makes wrk parse every response in Lua and slows the client down.
-- done() prints one line "BENCH_JSON {...}" with the summary, latency percentiles (microseconds) and errors.

local method = os.getenv("BENCH_METHOD") or "POST"
local body_file = os.getenv("BENCH_BODY_FILE")
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "")
local authorization = os.getenv("BENCH_AUTHORIZATION")

local function read_file(path)
   local f = assert(io.open(path, "rb"), "predict.lua: cannot open body file " .. tostring(path))
   local s = f:read("*a")
   f:close()
   return s
end

wrk.method = method
if authorization then
   wrk.headers["Authorization"] = authorization
end
if method == "POST" then
   assert(body_file, "predict.lua: set BENCH_BODY_FILE to a JSON body file")
   wrk.body = read_file(body_file)
   wrk.headers["Content-Type"] = "application/json"
end

if max_requests then
   local sent = 0
   local stopped = false
   local req = nil
   -- a request() function makes wrk call Lua per request; it only returns a prebuilt string
   request = function()
      if req == nil then
         req = wrk.format()
      end
      sent = sent + 1
      if sent > max_requests and not stopped then
         stopped = true
         io.write("BENCH_THREAD_DONE\n")
         io.flush()
         wrk.thread:stop()
      end
      return req
   end
end

local function q(s)
   return '"' .. tostring(s) .. '"'
end

done = function(summary, latency, requests)
   local e = summary.errors
   local parts = {
      q("requests") .. ":" .. summary.requests,
      q("duration_us") .. ":" .. summary.duration,
      q("bytes") .. ":" .. summary.bytes,
      q("errors_connect") .. ":" .. e.connect,
      q("errors_read") .. ":" .. e.read,
      q("errors_write") .. ":" .. e.write,
      q("errors_timeout") .. ":" .. e.timeout,
      q("errors_status") .. ":" .. e.status,
      q("latency_mean_us") .. ":" .. string.format("%.1f", latency.mean),
      q("latency_stdev_us") .. ":" .. string.format("%.1f", latency.stdev),
      q("latency_min_us") .. ":" .. latency.min,
      q("latency_max_us") .. ":" .. latency.max,
   }
   for _, p in ipairs({ 50, 75, 90, 99, 99.9 }) do
      parts[#parts + 1] = q("p" .. p .. "_us") .. ":" .. latency:percentile(p)
   end
   io.write("BENCH_JSON {" .. table.concat(parts, ",") .. "}\n")
end
