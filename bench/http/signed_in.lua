-- bench/http/signed_in.lua: a GET of the URL given to wrk with
-- "Authorization: Bearer $BENCH_TOKEN", as a signed-in client reads a public
-- page: the credentials make nginx bypass its micro-cache, so every request
-- goes through FastCGI, the session check and the handler's queries.
local common = dofile(os.getenv("BENCH_HTTP_DIR") .. "/common.lua")
local auth = "Bearer " .. common.env("BENCH_TOKEN")

function request()
    return wrk.format("GET", nil, { ["Authorization"] = auth })
end

done = common.done
