// W3C Trace Context: parsing of the `traceparent` request header
// (version-traceid-parentid-flags). A valid one is logged with every line of
// the request; an invalid one is ignored, as the specification requires.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace http {

struct TraceParent {
    std::string trace_id;   // 32 lower-case hex digits, not all zero
    std::string parent_id;  // 16 lower-case hex digits, not all zero
    bool sampled = false;
};

[[nodiscard]] std::optional<TraceParent> parse_traceparent(std::string_view header);

}  // namespace http
