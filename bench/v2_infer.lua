-- wrk script for V2 infer (bench/run.py uses it for /v2/ paths): the same body file as bench/predict.lua, whose
-- {"text": "..."} is sent as the Open Inference (KServe V2) request for that one text, so that /predict and V2 are
-- measured on the same text, escaped the same way.
--
--   BENCH_BODY_FILE=bench/results/body.json wrk -t2 -c64 -d10s --latency -s bench/v2_infer.lua https://127.0.0.1:PORT/v2/models/bench/infer
--
-- Everything else (environment, keep-alive, the BENCH_JSON summary line) is predict.lua's, which this script runs first.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "predict.lua")

if wrk.method == "POST" then
   -- the JSON string literal of "text", as written in the body file (already escaped)
   local text = wrk.body:match('^%s*{%s*"text"%s*:%s*(".*")%s*}%s*$')
   assert(text, "v2_infer.lua: BENCH_BODY_FILE must hold {\"text\": \"...\"}")
   wrk.body = '{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":[' .. text .. ']}]}'
end
