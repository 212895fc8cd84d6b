// Response bytes of scoreline-sse; see response.hpp.
#include "response.hpp"

#include "http/problem.hpp"

namespace sse {
namespace {

std::string status_line(int status) {
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(http::reason_phrase(status)) +
           "\r\n";
}

}  // namespace

std::string stream_head() {
    return status_line(200) +
           "Content-Type: text/event-stream; charset=utf-8\r\n"
           "Cache-Control: no-store\r\n"
           "X-Accel-Buffering: no\r\n"
           "Connection: close\r\n\r\n";
}

std::string problem_response(int status, const std::string& detail, const std::string& request_id,
                             const HeaderList& extra) {
    http::Problem problem(status, detail);
    for (const auto& [k, v] : extra) {
        problem.with_header(k, v);
    }
    const http::Response r = problem.to_response(request_id);
    std::string out = status_line(status);
    for (const auto& [k, v] : r.headers) {
        out += k + ": " + v + "\r\n";
    }
    out += "Cache-Control: no-store\r\nContent-Length: " + std::to_string(r.body.size()) +
           "\r\nConnection: close\r\n\r\n" + r.body;
    return out;
}

std::string plain_response(int status, std::string_view content_type, const std::string& body) {
    return status_line(status) + "Content-Type: " + std::string(content_type) +
           "\r\nCache-Control: no-store\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace sse
