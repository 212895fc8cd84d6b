-- bench/http/mix.lua: 90 % reads, 9 % score writes, 1 % logins, drawn at
-- random per request. Run with -t == -c (per-connection state: each thread is
-- one connection and owns one game of BENCH_GAME_IDS for its writes).
--   reads (90 %): 45 % standings of the hot event (BENCH_STANDINGS_PATH),
--                 25 % authenticated game reads (any bench game),
--                 20 % the event list with a search (BENCH_SEARCH_PATH)
--   writes (9 %): PUT /api/v1/games/{own}/score with If-Match (the version
--                 comes from the previous write's ETag; when unknown, the write
--                 is preceded by a GET of the game, counted as kind resync)
--   logins (1 %): POST /api/v1/auth/login (Argon2id)
-- stats counts each kind and its status: read_200, write_200, login_200, ...
-- (a 503 with Retry-After as read_503_retry_after, ...)
local common = dofile(os.getenv("BENCH_HTTP_DIR") .. "/common.lua")
local ids = common.split(common.env("BENCH_GAME_IDS"))
local auth = "Bearer " .. common.env("BENCH_TOKEN")
local standings_path = common.env("BENCH_STANDINGS_PATH")
local search_path = common.env("BENCH_SEARCH_PATH")
local f = assert(io.open(common.env("BENCH_PASSWORD_FILE"), "r"))
local password = string.gsub(f:read("*l"), "%s+$", "")
f:close()
local login_body = string.format('{"email":"%s","password":"%s"}', common.env("BENCH_EMAIL"), password)
local serial = 0
local drained = false

function setup(thread)
    serial = serial + 1
    if serial > #ids then
        error("mix.lua: more threads than games in BENCH_GAME_IDS")
    end
    thread:set("game_id", ids[serial])
    thread:set("seed", serial)
    common.track(thread)
end

local version = nil
local updates = 0
local pending = nil
local want_write = false

function init(args)
    math.randomseed(1000003 * (seed or 1))
end

local function write_request()
    if version == nil then
        pending = "resync"
        return wrk.format("GET", "/api/v1/games/" .. game_id, { ["Authorization"] = auth })
    end
    pending = "write"
    want_write = false
    updates = updates + 1
    -- Scores stay within football's plausible limits (a side at most 10, both
    -- at most 12: docs/integrity.md), so the write measured is the ordinary
    -- one, not an implausible_score alert on every update.
    local body = string.format('{"home_score":%d,"away_score":%d,"status":"live"}',
        updates % 7, math.floor(updates / 7) % 6)
    return wrk.format("PUT", "/api/v1/games/" .. game_id .. "/score", {
        ["Authorization"] = auth,
        ["Content-Type"] = "application/json",
        ["If-Match"] = '"' .. version .. '"',
    }, body)
end

function request()
    if want_write then
        return write_request()
    end
    local r = math.random(1000)
    if r <= 10 then
        pending = "login"
        return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" }, login_body)
    elseif r <= 100 then
        want_write = true
        return write_request()
    end
    pending = "read"
    r = math.random(90)
    if r <= 45 then
        return wrk.format("GET", standings_path)
    elseif r <= 70 then
        return wrk.format("GET", "/api/v1/games/" .. ids[math.random(#ids)], { ["Authorization"] = auth })
    end
    return wrk.format("GET", search_path)
end

function response(status, headers, body)
    -- A drained host's 503 says when to come back (the converge test's
    -- deploy drill tells those from any other failure).
    if status == 503 and common.header(headers, "Retry-After") ~= nil then
        common.count(pending .. "_503_retry_after")
        drained = true
    else
        common.count(pending .. "_" .. status)
    end
    if pending == "write" or pending == "resync" then
        if status == 200 then
            version = common.etag_version(headers)
        else
            version = nil
        end
    end
end

-- BENCH_DRAIN_BACKOFF_MS (the deploy drill sets it): after a drained 503 the
-- connection waits that long, as a client honouring Retry-After would, instead
-- of asking the drained host as fast as it can and taking the CPU the deploy
-- needs. Unset (bench/), delay() is not defined and wrk never waits.
local backoff_ms = tonumber(os.getenv("BENCH_DRAIN_BACKOFF_MS") or "")
if backoff_ms ~= nil then
    function delay()
        if drained then
            drained = false
            return backoff_ms
        end
        return 0
    end
end

done = common.done
