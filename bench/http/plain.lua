-- bench/http/plain.lua: a GET of the URL given to wrk, nothing else; the
-- BENCH_JSON line at the end. Used for the hot standings, the event search and
-- the two references (nginx's /_bench/static and scoreline-api's /api/v1/version).
local common = dofile(os.getenv("BENCH_HTTP_DIR") .. "/common.lua")
done = common.done
