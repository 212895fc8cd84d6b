// sse::StreamRequest: what a request to scoreline-sse asks for, read from its
// method, path, query and headers (API.md, "Live updates"):
//   GET /api/v1/events/{id}/stream          topic event:{id}
//   GET /api/v1/stream?topics=event:1,…     those topics
//   GET /api/v1/admin/stream                topic admin
// plus Last-Event-ID (header, or the last_event_id parameter) and ?ticket=.
// Topics follow shared/stream/topic.hpp. Anything else is a Refusal with the
// status to answer. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http_parser.hpp"
#include "stream/topic.hpp"

namespace sse {

struct StreamRequest {
    std::vector<std::string> topics;  // distinct, in the order asked
    std::optional<std::int64_t> last_event_id;
    std::optional<std::string> ticket;  // never logged
};

struct Refusal {
    int status = 400;
    std::string detail;
    std::vector<std::pair<std::string, std::string>> headers;
};

[[nodiscard]] std::variant<StreamRequest, Refusal> parse_stream_request(const HttpRequest& req,
                                                                        std::size_t max_topics);

}  // namespace sse
