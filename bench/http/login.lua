-- bench/http/login.lua: POST /api/v1/auth/login with the bench account's
-- correct email and password (BENCH_EMAIL, BENCH_PASSWORD_FILE). Every answer
-- costs one Argon2id verification; with a correct password no failure is
-- recorded, so the login throttle never engages (bench/run.sh also switches
-- the rate limits off).
local common = dofile(os.getenv("BENCH_HTTP_DIR") .. "/common.lua")
local f = assert(io.open(common.env("BENCH_PASSWORD_FILE"), "r"))
local password = string.gsub(f:read("*l"), "%s+$", "")
f:close()

wrk.method = "POST"
wrk.path = "/api/v1/auth/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"email":"%s","password":"%s"}', common.env("BENCH_EMAIL"), password)

done = common.done
