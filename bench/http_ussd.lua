-- wrk script for bench/http_ussd.sh: POSTs one USSD callback in the Africa's Talking form.
-- The screen asked for is the origin list of a cost-of-sending session (a replay of two
-- inputs and a rendered list of countries), the commonest kind of screen.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("RL_BENCH_TOKEN")
local text = os.getenv("RL_BENCH_TEXT") or "1*6"
local n = 0
request = function()
  n = n + 1
  local body = "sessionId=bench" .. (n % 5000) .. "&serviceCode=%2A384%23&phoneNumber=%2B14155550100" ..
               "&networkCode=63902&text=" .. text:gsub("%*", "%%2A")
  return wrk.format(nil, nil, nil, body)
end
