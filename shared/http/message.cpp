// Request/Response helpers: header lookup, query decoding, reason phrases.
#include "http/message.hpp"

#include "http/problem.hpp"
#include "text/text_policy.hpp"

namespace http {

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
    auto it = headers.find(std::string(lower_name));
    if (it == headers.end()) {
        return std::nullopt;
    }
    return std::string_view(it->second);
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view q(query);
    while (!q.empty()) {
        const auto amp = q.find('&');
        std::string_view pair = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        const auto eq = pair.find('=');
        auto key = percent_decode(pair.substr(0, eq));
        if (!key || *key != name) {
            continue;
        }
        if (eq == std::string_view::npos) {
            return std::string{};
        }
        auto value = percent_decode(pair.substr(eq + 1));
        // Every query value passes the text policy here, once for all routes:
        // nothing undecodable, invalid UTF-8 or a control character reaches a
        // handler (or PostgreSQL, which refuses invalid UTF-8 with an error).
        const char* why = !value                      ? "has a malformed %-escape"
                          : !text::valid_utf8(*value) ? "is not valid UTF-8"
                          : text::problem(*value, text::Kind::kLine)
                              ? "must not contain control characters"
                              : nullptr;
        if (why != nullptr) {
            throw Problem(400, "the query parameter " + std::string(name) + " " + why,
                          {{std::string(name), why}});
        }
        return value;
    }
    return std::nullopt;
}

void Response::set_header(std::string name, std::string value) {
    for (auto& [k, v] : headers) {
        if (k == name) {
            v = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

Response Response::json(int status, std::string body) {
    Response r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

Response Response::no_content() {
    Response r;
    r.status = 204;
    return r;
}

std::string_view reason_phrase(int status) noexcept {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 412:
            return "Precondition Failed";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 428:
            return "Precondition Required";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "Unknown";
    }
}

std::optional<std::string> percent_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%') {
            if (i + 2 >= in.size()) {
                return std::nullopt;
            }
            auto hex = [](char h) -> int {
                if (h >= '0' && h <= '9')
                    return h - '0';
                if (h >= 'a' && h <= 'f')
                    return h - 'a' + 10;
                if (h >= 'A' && h <= 'F')
                    return h - 'A' + 10;
                return -1;
            };
            const int hi = hex(in[i + 1]);
            const int lo = hex(in[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace http
