// http::Request and http::Response: the transport-neutral view of one HTTP
// exchange that handlers see. The FastCGI adapter (workers/) fills a Request
// and writes out a Response; handlers never touch FastCGI.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

struct Request {
    std::string method;
    std::string path;                            // decoded-free path, no query
    std::string query;                           // raw query string
    std::map<std::string, std::string> headers;  // lower-case names
    std::map<std::string, std::string> path_params;
    std::string body;
    std::string remote_addr;
    std::string request_id;
    std::string traceparent;

    [[nodiscard]] std::optional<std::string_view> header(std::string_view lower_name) const;
    // The first value of a query parameter, percent-decoded; throws
    // http::Problem 400 when it is malformed, not UTF-8 or holds a control
    // character.
    [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
    [[nodiscard]] const std::string& param(const std::string& name) const {
        return path_params.at(name);
    }
};

// Sends one piece of a streamed body; false once the peer is gone (the
// producer should stop).
using ChunkWriter = std::function<bool(std::string_view chunk)>;
// Produces a streamed body after the head has been sent, chunk by chunk, so
// memory stays bounded by one chunk whatever the size. The head is out by
// then: a failure can only be logged and the body cut short (the adapter
// ends the response; the client sees a truncated body). Runs on the worker
// after the handler returned, so it captures what it needs by value (or
// references that outlive the request, such as the worker's Database).
using BodyStream = std::function<void(const ChunkWriter& write)>;

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // When set, the body is produced by this after `body` (usually empty).
    BodyStream stream;

    void set_header(std::string name, std::string value);
    [[nodiscard]] static Response json(int status, std::string body);
    [[nodiscard]] static Response no_content();
};

// Reason phrase for a status code ("Not Found"); "Unknown" if not listed.
[[nodiscard]] std::string_view reason_phrase(int status) noexcept;

// Decodes %XX and '+' in a query component; returns nullopt on a bad escape.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view in);

}  // namespace http
