-- bench/http/ask.lua: POST /api/v1/analytics/ask about the standings event
-- (BENCH_ASK_EVENT_ID), each request the next of the questions in
-- BENCH_ASK_QUESTIONS (one per line; JSON-safe text: bench/run.sh builds them
-- from the fixture). Anonymous, as a fan asks; the API answers every one
-- 200, so a non-2xx counts as an error of the run.
local common = dofile(os.getenv("BENCH_HTTP_DIR") .. "/common.lua")
local event_id = common.env("BENCH_ASK_EVENT_ID")
local questions = {}
for q in string.gmatch(common.env("BENCH_ASK_QUESTIONS"), "[^\n]+") do
    table.insert(questions, q)
end

function setup(thread)
    common.track(thread)
end

local next_question = 0

function request()
    next_question = next_question % #questions + 1
    local body = string.format('{"question":"%s","event_id":%s}', questions[next_question],
        event_id)
    return wrk.format("POST", "/api/v1/analytics/ask", { ["Content-Type"] = "application/json" },
        body)
end

done = common.done
