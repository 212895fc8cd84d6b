// The trace of the request in hand; see request_trace.hpp.
#include "observability/request_trace.hpp"

namespace api::obs {
namespace {

RequestTrace& current() noexcept {
    static RequestTrace trace;
    return trace;
}

}  // namespace

void set_request_trace(std::string_view trace_id, std::string_view parent_id) {
    RequestTrace& t = current();
    t.trace_id.assign(trace_id);
    t.parent_id.assign(parent_id);
    t.session_tag.assign(trace_id);
    t.session_tag += '/';
    t.session_tag.append(parent_id);
}

void clear_request_trace() noexcept {
    RequestTrace& t = current();
    t.trace_id.clear();
    t.parent_id.clear();
    t.session_tag.clear();
}

const RequestTrace& request_trace() noexcept {
    return current();
}

}  // namespace api::obs
