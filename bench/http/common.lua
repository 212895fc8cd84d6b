-- bench/http/common.lua: shared by the wrk scripts of bench/http/ (loaded with
-- dofile from BENCH_HTTP_DIR, in the main Lua state and in every thread's).
--
-- done() prints one line "BENCH_JSON {...}" that bench/run.sh turns into a
-- record: requests, duration, latency percentiles (microseconds), wrk's error
-- counts, and the per-thread counters a script keeps in the global table
-- `stats` (status codes, request kinds), summed over the threads.
local M = {}

M.threads = {}

-- Call from setup(thread): remembers the thread so done() can read its stats.
function M.track(thread)
    table.insert(M.threads, thread)
end

-- "1,2,3" -> {1, 2, 3} (numbers as strings; they only go into paths).
function M.split(list)
    local out = {}
    for item in string.gmatch(list or "", "[^,%s]+") do
        table.insert(out, item)
    end
    return out
end

function M.env(name)
    local v = os.getenv(name)
    if v == nil or v == "" then
        error("bench/http: environment variable " .. name .. " is not set")
    end
    return v
end

-- A response header by name, case-insensitively.
function M.header(headers, name)
    local lname = string.lower(name)
    for k, v in pairs(headers) do
        if string.lower(k) == lname then
            return v
        end
    end
    return nil
end

-- The version in an ETag: "12" or W/"12" -> "12".
function M.etag_version(headers)
    local etag = M.header(headers, "ETag")
    if etag == nil then
        return nil
    end
    return string.match(etag, '"([^"]*)"')
end

-- Increments stats[key] in this thread's state.
function M.count(key)
    stats = stats or {}
    stats[key] = (stats[key] or 0) + 1
end

-- Per-thread "stats" tables summed, as a JSON object (or "{}").
local function gathered()
    local total = {}
    for _, t in ipairs(M.threads) do
        local s = t:get("stats")
        if type(s) == "table" then
            for k, v in pairs(s) do
                total[k] = (total[k] or 0) + v
            end
        end
    end
    local parts = {}
    for k, v in pairs(total) do
        table.insert(parts, string.format('"%s":%d', k, v))
    end
    table.sort(parts)
    return "{" .. table.concat(parts, ",") .. "}"
end

function M.done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
        '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},' ..
        '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d,"max":%d},' ..
        '"stats":%s}\n',
        summary.requests, summary.duration, summary.bytes,
        e.connect, e.read, e.write, e.timeout, e.status,
        latency.min, latency.mean, latency.stdev,
        latency:percentile(50), latency:percentile(90), latency:percentile(95),
        latency:percentile(99), latency:percentile(99.9), latency.max,
        gathered()))
end

return M
