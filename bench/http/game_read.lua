-- bench/http/game_read.lua: an authenticated read of one game,
-- GET /api/v1/games/{id} with "Authorization: Bearer $BENCH_TOKEN", cycling
-- over the bench event's games (BENCH_GAME_IDS, comma-separated).
local common = dofile(os.getenv("BENCH_HTTP_DIR") .. "/common.lua")
local ids = common.split(common.env("BENCH_GAME_IDS"))
local auth = "Bearer " .. common.env("BENCH_TOKEN")
local n = 0
local serial = 0

function setup(thread)
    serial = serial + 1
    thread:set("offset", serial * 7)
end

function init(args)
    n = offset or 0
end

function request()
    n = n + 1
    return wrk.format("GET", "/api/v1/games/" .. ids[(n % #ids) + 1], { ["Authorization"] = auth })
end

done = common.done
