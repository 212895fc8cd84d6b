// The HTTP responses scoreline-sse writes: the head of an event stream
// (HTTP/1.1, close-delimited, never buffered by nginx) and problem+json
// answers (RFC 9457, the body of shared/http/problem.hpp) for everything that
// is not a stream. Every response closes the connection. Pure.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sse {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

[[nodiscard]] std::string stream_head();
[[nodiscard]] std::string problem_response(int status, const std::string& detail,
                                           const std::string& request_id,
                                           const HeaderList& extra = {});
// A complete response with `body` (for /healthz and /metrics).
[[nodiscard]] std::string plain_response(int status, std::string_view content_type,
                                         const std::string& body);

}  // namespace sse
