// The slow-request log, after php-fpm's request_slowlog_timeout: a request
// that took longer than SCORELINE_SLOW_REQUEST_MS gets one warn line
// "slow_request" listing each statement it ran with its duration, and counts
// in scoreline_pool_slow_requests_total. Called by api::handle_request.
#pragma once

#include <cstdint>
#include <string_view>

#include "observability/db_observer.hpp"

namespace api::obs {

struct SlowRequest {
    std::string_view request_id;
    std::string_view trace_id;  // empty without a trace
    std::string_view method;
    std::string_view route;  // the route pattern, "unmatched" when none
    int status = 0;
    std::int64_t micros = 0;  // as the request log line measures it
};

// Writes the line and counts the request. `db`: the statements it ran.
void report_slow_request(const SlowRequest& request, const DbObserver& db);

}  // namespace api::obs
