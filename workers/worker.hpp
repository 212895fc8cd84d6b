// api::run_worker: the body of one worker process of scoreline-api. Accepts
// FastCGI connections on the inherited listen socket (epoll with
// EPOLLEXCLUSIVE, so one worker wakes per connection), serves one request per
// connection, and returns the process exit code: 0 after a graceful stop
// (SIGTERM: finish the request in hand, serve what is already queued, exit)
// or after max_requests, non-zero on a fatal error.
#pragma once

#include <functional>

#include "api_config.hpp"
#include "ratelimit/shared_buckets.hpp"
#include "router.hpp"

namespace api {

// `buckets`: the rate-limit table the master mapped before forking (shared by
// every worker); null when every class is unlimited. `health`: the database
// health page the master mapped before forking.
[[nodiscard]] int run_worker(int listen_fd, const ApiConfig& config, const Router& router,
                             ratelimit::SharedBuckets* buckets, DatabaseHealth& health);

// Reads the request body into req.body when it has at most max_bytes and
// returns true; otherwise drains it without keeping it and returns false.
using BodyReader = std::function<bool(http::Request& req, std::size_t max_bytes)>;

// Handles one request whose head is parsed, end to end: routing, the rate
// limit of the route's class (before the body is read and before any handler
// or database access), the body-size limit of the class, the handler,
// problems, 500s and the access log line. Operational database failures (lost
// server, statement timeout, no disk or memory, a transaction out of retries)
// answer 503 with Retry-After. Exposed for tests of the pipeline.
[[nodiscard]] http::Response handle_request(http::Request& req, const BodyReader& read_body,
                                            const Router& router, Database& database,
                                            const ApiConfig& config,
                                            ratelimit::SharedBuckets* buckets);

}  // namespace api
