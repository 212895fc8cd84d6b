// api::run_worker: the body of one worker process of scoreline-api. Accepts
// FastCGI connections on the inherited listen socket (epoll with
// EPOLLEXCLUSIVE, so one worker wakes per connection), serves one request per
// connection, and returns the process exit code: 0 after a graceful stop
// (SIGTERM: finish the request in hand, serve what is already queued, exit)
// or after max_requests, non-zero on a fatal error.
#pragma once

#include "api_config.hpp"
#include "router.hpp"

namespace api {

[[nodiscard]] int run_worker(int listen_fd, const ApiConfig& config, const Router& router);

// Handles one parsed request end to end: routing, problems, 500s, the access
// log line. Exposed for tests of the request pipeline.
[[nodiscard]] http::Response handle_request(http::Request& req, const Router& router,
                                            Database& database, const ApiConfig& config);

}  // namespace api
