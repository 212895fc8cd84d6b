// obs::RequestTrace: the W3C trace of the request this worker is serving.
// serve_connection (worker.cpp) sets it from the TRACEPARENT param nginx
// passes — the client's traceparent, or one nginx started for the request —
// and clears it after the response. A worker serves one request at a time,
// so the process-wide value is the request's; code below the handlers reads
// it without the request being passed down: the database session's
// application_name (context.cpp) and the outbox rows (outbox_repository.cpp).
#pragma once

#include <string>
#include <string_view>

namespace api::obs {

struct RequestTrace {
    std::string trace_id;   // 32 lower-case hex digits; empty: no trace
    std::string parent_id;  // 16 hex digits: the caller's span (nginx's or the client's)
    // "<trace_id>/<parent_id>", the suffix of the database session's
    // application_name; empty without a trace.
    std::string session_tag;
};

// Both ids as parse_traceparent gave them (valid, lower-case hex).
void set_request_trace(std::string_view trace_id, std::string_view parent_id);
void clear_request_trace() noexcept;
[[nodiscard]] const RequestTrace& request_trace() noexcept;

}  // namespace api::obs
