-- wrk.lua - make bench's wrk script: cycles through the paths given after `--`
-- and prints one machine-readable line with requests, errors, p50 and p95.
local paths = {}
local i = 0

function init(args)
    for _, a in ipairs(args) do
        paths[#paths + 1] = a
    end
end

function request()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("BENCH requests=%d duration_us=%d errors=%d p50_us=%d p95_us=%d\n",
        summary.requests, summary.duration,
        e.connect + e.read + e.write + e.status + e.timeout,
        latency:percentile(50), latency:percentile(95)))
end
