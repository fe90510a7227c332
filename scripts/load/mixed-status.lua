-- wrk script: status changes mixed into a load test. Cycles through the credential ids in the
-- file $MEDCRED_IDS (one per line), suspending each on the first pass and reinstating it on the
-- next, so that every request is a real change that goes through the board's ledger.
-- Authorised with $MEDCRED_TOKEN; the board is $MEDCRED_BOARD.
local ids = {}
for line in io.lines(os.getenv("MEDCRED_IDS")) do
  if #line > 0 then ids[#ids + 1] = line end
end
local token = os.getenv("MEDCRED_TOKEN")
local board = os.getenv("MEDCRED_BOARD")
local k = 0

function request()
  local id = ids[(k % #ids) + 1]
  local action = (math.floor(k / #ids) % 2 == 0) and "suspend" or "reinstate"
  k = k + 1
  return wrk.format("POST", "/boards/" .. board .. "/credentials/" .. id .. "/status",
    { ["content-type"] = "application/json", ["authorization"] = "Bearer " .. token },
    '{"action":"' .. action .. '","reason":"load test"}')
end

function done(summary, latency, requests)
  io.write(string.format("result rps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f requests=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
