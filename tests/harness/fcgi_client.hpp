// harness::fcgi_get: one GET straight to scoreline-api's FastCGI socket, as
// nginx would send it (REQUEST_METHOD, DOCUMENT_URI, QUERY_STRING, REQUEST_ID,
// REMOTE_ADDR), for tests of routes nginx does not expose or of the pool
// without the edge in front. One connection per request, like nginx.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace harness {

struct FcgiResponse {
    int status = 0;  // 0: no answer (connect failed, timeout, malformed reply)
    std::map<std::string, std::string> headers;  // lower-cased names
    std::string body;
};

// `target` is path?query. Bounded by `timeout` in total.
[[nodiscard]] FcgiResponse fcgi_get(const std::string& socket_path, const std::string& target,
                                    const std::string& request_id = "",
                                    std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace harness
