// Strict HTTP/1.x request-head parsing; see http_parser.hpp.
#include "http_parser.hpp"

#include <charconv>

namespace sse {
namespace {

bool is_vchar_or_obs(unsigned char c) {
    return (c >= 0x21 && c <= 0x7e) || c >= 0x80;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// origin-form: "/" followed by path characters, an optional "?query"; no
// fragment, no whitespace, no control characters.
bool valid_origin_form(std::string_view target) {
    if (target.empty() || target.front() != '/') {
        return false;
    }
    for (char ch : target) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f || c == '#') {
            return false;
        }
    }
    return true;
}

}  // namespace

bool is_token_char(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    switch (c) {
        case '!':
        case '#':
        case '$':
        case '%':
        case '&':
        case '\'':
        case '*':
        case '+':
        case '-':
        case '.':
        case '^':
        case '_':
        case '`':
        case '|':
        case '~':
            return true;
        default:
            return false;
    }
}

std::optional<std::string_view> HttpRequest::header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers) {
        if (k == lower_name) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

std::size_t HttpRequest::header_count(std::string_view lower_name) const {
    std::size_t n = 0;
    for (const auto& h : headers) {
        n += h.first == lower_name ? 1 : 0;
    }
    return n;
}

HttpRequestParser::Status HttpRequestParser::fail(int status, std::string reason) {
    status_ = Status::kError;
    error_status_ = status;
    error_ = std::move(reason);
    return status_;
}

HttpRequestParser::Status HttpRequestParser::feed(std::string_view data, std::size_t& consumed) {
    consumed = 0;
    if (status_ != Status::kIncomplete) {
        return status_;
    }
    for (char c : data) {
        ++consumed;
        if (++head_bytes_ > limits_.max_head_bytes) {
            return fail(request_line_done_ ? 431 : 414, "request head too large");
        }
        if (saw_cr_) {
            if (c != '\n') {
                return fail(400, "CR not followed by LF");
            }
            saw_cr_ = false;
            if (line_.empty() && request_line_done_) {
                return finish() ? (status_ = Status::kComplete) : status_;
            }
            if (!parse_line(line_)) {
                return status_;
            }
            line_.clear();
            continue;
        }
        if (c == '\r') {
            saw_cr_ = true;
            continue;
        }
        if (c == '\n') {
            return fail(400, "bare LF line end");
        }
        if (line_.size() >= limits_.max_line_bytes) {
            return fail(request_line_done_ ? 431 : 414, "line too long");
        }
        line_.push_back(c);
    }
    return status_;
}

bool HttpRequestParser::parse_line(std::string_view line) {
    return request_line_done_ ? parse_header_line(line) : parse_request_line(line);
}

bool HttpRequestParser::parse_request_line(std::string_view line) {
    // method SP request-target SP HTTP-version, exactly one space each.
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        (void)fail(400, "malformed request line");
        return false;
    }
    const std::string_view method = line.substr(0, sp1);
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (method.empty()) {
        (void)fail(400, "malformed method");
        return false;
    }
    for (char c : method) {
        if (!is_token_char(c)) {
            (void)fail(400, "malformed method");
            return false;
        }
    }
    if (!valid_origin_form(target)) {
        (void)fail(400, "request target is not origin-form");
        return false;
    }
    if (version.size() != 8 || !version.starts_with("HTTP/") || version[6] != '.' ||
        version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
        (void)fail(400, "malformed HTTP version");
        return false;
    }
    if (version[5] != '1') {
        (void)fail(505, "HTTP version not supported");
        return false;
    }
    request_.method = std::string(method);
    request_.target = std::string(target);
    const auto q = target.find('?');
    request_.path = std::string(target.substr(0, q));
    request_.query =
        q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
    request_.minor_version = version[7] - '0';
    request_line_done_ = true;
    return true;
}

bool HttpRequestParser::parse_header_line(std::string_view line) {
    if (line.front() == ' ' || line.front() == '\t') {
        (void)fail(400, "obsolete line folding");
        return false;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        (void)fail(400, "malformed header field");
        return false;
    }
    const std::string_view name = line.substr(0, colon);
    for (char c : name) {
        if (!is_token_char(c)) {  // also refuses whitespace before the colon
            (void)fail(400, "malformed header field name");
            return false;
        }
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    for (char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (!is_vchar_or_obs(c) && c != ' ' && c != '\t') {
            (void)fail(400, "control character in header field value");
            return false;
        }
    }
    if (request_.headers.size() >= limits_.max_headers) {
        (void)fail(431, "too many header fields");
        return false;
    }
    request_.headers.emplace_back(lower(name), std::string(value));
    return true;
}

bool HttpRequestParser::finish() {
    if (request_.header_count("transfer-encoding") > 0) {
        (void)fail(400, "Transfer-Encoding is not accepted");
        return false;
    }
    const std::size_t lengths = request_.header_count("content-length");
    if (lengths > 1) {
        (void)fail(400, "repeated Content-Length");
        return false;
    }
    if (lengths == 1) {
        const std::string_view v = *request_.header("content-length");
        std::size_t n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (v.empty() || ec != std::errc{} || p != v.data() + v.size()) {
            (void)fail(400, "malformed Content-Length");
            return false;
        }
        request_.content_length = n;
    }
    const std::size_t hosts = request_.header_count("host");
    if (hosts > 1 || (hosts == 0 && request_.minor_version == 1)) {
        (void)fail(400, "exactly one Host header is required");
        return false;
    }
    return true;
}

}  // namespace sse
