-- bench/http/score_update.lua: score updates, PUT /api/v1/games/{id}/score
-- with If-Match, each connection on its own game. Run it with as many threads
-- as connections (-t == -c): wrk's Lua state is per thread, so one thread =
-- one connection = one game (the i-th thread takes the i-th id of
-- BENCH_GAME_IDS; bench/run.sh refuses more connections than games).
--
-- A thread first reads its game (GET, for the current ETag), then sends PUTs,
-- each with the ETag of the previous answer as If-Match. Any answer other than
-- 200 makes the next request a GET again (and is counted: stats.status_NNN).
-- Status "live" every time, the score changing with each update.
local common = dofile(os.getenv("BENCH_HTTP_DIR") .. "/common.lua")
local ids = common.split(common.env("BENCH_GAME_IDS"))
local auth = "Bearer " .. common.env("BENCH_TOKEN")
local serial = 0

function setup(thread)
    serial = serial + 1
    if serial > #ids then
        error("score_update.lua: more threads than games in BENCH_GAME_IDS")
    end
    thread:set("game_id", ids[serial])
    common.track(thread)
end

local version = nil
local updates = 0
local pending = nil

function request()
    if version == nil then
        pending = "get"
        return wrk.format("GET", "/api/v1/games/" .. game_id, { ["Authorization"] = auth })
    end
    pending = "put"
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

function response(status, headers, body)
    common.count(pending .. "_" .. status)
    if status == 200 then
        version = common.etag_version(headers)
    else
        version = nil
    end
end

done = common.done
