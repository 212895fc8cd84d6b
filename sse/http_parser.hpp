// sse::HttpRequestParser: a strict, incremental parser of one HTTP/1.x request
// head (request line and header fields, RFC 9112), fed as bytes arrive on a
// non-blocking socket. Limits on the whole head, on each line and on the
// number of header fields; anything outside the grammar is an error with the
// status to answer (400, 414, 431, 505) before the connection is closed:
// bare LF, whitespace before a colon, obs-fold, control characters, a target
// that is not origin-form, a missing or repeated Host, a Transfer-Encoding.
// Pure; used by scoreline-sse's client and ops connections.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sse {

struct HttpLimits {
    std::size_t max_head_bytes = 8192;  // request line + headers + final CRLF
    std::size_t max_line_bytes = 4096;  // one line without its CRLF
    std::size_t max_headers = 64;
};

struct HttpRequest {
    std::string method;
    std::string target;  // as sent: path and query
    std::string path;    // target before '?'
    std::string query;   // target after '?', without it
    int minor_version = 1;
    // Field names in lower case, values without surrounding whitespace, in order.
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t content_length = 0;

    // The value of the only field with this (lower-case) name; nullopt if absent.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view lower_name) const;
    [[nodiscard]] std::size_t header_count(std::string_view lower_name) const;
};

class HttpRequestParser {
  public:
    enum class Status { kIncomplete, kComplete, kError };

    explicit HttpRequestParser(HttpLimits limits = {}) : limits_(limits) {}

    // Consumes bytes of the head. Returns kComplete once the empty line that
    // ends it has been read (`consumed` then says how many bytes of `data`
    // belonged to the head), kError for a head that breaks a rule or a limit,
    // kIncomplete when more bytes are needed. After kComplete or kError,
    // further calls return the same status and consume nothing.
    [[nodiscard]] Status feed(std::string_view data, std::size_t& consumed);

    [[nodiscard]] Status status() const noexcept { return status_; }
    [[nodiscard]] const HttpRequest& request() const noexcept { return request_; }
    // For kError: the status code to answer and a short reason (no request data in it).
    [[nodiscard]] int error_status() const noexcept { return error_status_; }
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

  private:
    [[nodiscard]] bool parse_line(std::string_view line);
    [[nodiscard]] bool parse_request_line(std::string_view line);
    [[nodiscard]] bool parse_header_line(std::string_view line);
    [[nodiscard]] bool finish();
    [[nodiscard]] Status fail(int status, std::string reason);

    HttpLimits limits_;
    Status status_ = Status::kIncomplete;
    std::string line_;  // the current line, without its line end
    bool saw_cr_ = false;
    bool request_line_done_ = false;
    std::size_t head_bytes_ = 0;
    HttpRequest request_;
    int error_status_ = 0;
    std::string error_;
};

// tchar of RFC 9110: the characters of a token (method, field name).
[[nodiscard]] bool is_token_char(char c) noexcept;

}  // namespace sse
