// libFuzzer target: sse::HttpRequestParser (the request head scoreline-sse
// reads from the socket) and sse::parse_stream_request. The first input byte
// picks a chunk size, the rest is the head: it is fed once whole and once in
// chunks, and both parsers must agree byte for byte (a request split by TCP
// reads the same). A complete head then goes through parse_stream_request,
// whose answer must be a stream of valid topics or a 4xx refusal.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http_parser.hpp"
#include "response.hpp"
#include "stream_request.hpp"

namespace {

constexpr std::size_t kMaxTopics = 8;

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

void check_request(const sse::HttpRequest& r) {
    require(!r.method.empty());
    require(std::all_of(r.method.begin(), r.method.end(), sse::is_token_char));
    require(r.target.starts_with('/') && r.target.find('#') == std::string::npos);
    require(r.minor_version >= 0 && r.minor_version <= 9);
    for (const auto& [name, value] : r.headers) {
        require(!name.empty());
        for (char c : name) {
            require(sse::is_token_char(c) && !(c >= 'A' && c <= 'Z'));
        }
        for (char c : value) {
            const auto u = static_cast<unsigned char>(c);
            require(u >= 0x20 || c == '\t');
            require(u != 0x7f);
        }
    }
}

void check_stream_request(const sse::HttpRequest& http) {
    const auto result = sse::parse_stream_request(http, kMaxTopics);
    if (const auto* refusal = std::get_if<sse::Refusal>(&result)) {
        require(refusal->status == 400 || refusal->status == 404 || refusal->status == 405);
        const std::string response =
            sse::problem_response(refusal->status, refusal->detail, "fuzz", refusal->headers);
        const auto body = response.find("\r\n\r\n");
        require(body != std::string::npos);
        require(nlohmann::json::accept(response.substr(body + 4)));
        return;
    }
    const auto& stream = std::get<sse::StreamRequest>(result);
    require(!stream.topics.empty() && stream.topics.size() <= kMaxTopics + 1);
    for (const auto& topic : stream.topics) {
        require(stream::parse_topic(topic).has_value());
        require(std::count(stream.topics.begin(), stream.topics.end(), topic) == 1);
    }
    require(!stream.last_event_id || *stream.last_event_id >= 0);
    require(!stream.ticket || !stream.ticket->empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::size_t chunk = data[0] % 16 + 1;
    const std::string_view head(reinterpret_cast<const char*>(data) + 1, size - 1);

    sse::HttpRequestParser whole;
    std::size_t whole_consumed = 0;
    const auto status = whole.feed(head, whole_consumed);
    require(whole_consumed <= head.size());

    sse::HttpRequestParser pieces;
    std::size_t pieces_consumed = 0;
    for (std::size_t at = 0;
         at < head.size() && pieces.status() == sse::HttpRequestParser::Status::kIncomplete;
         at += chunk) {
        std::size_t used = 0;
        (void)pieces.feed(head.substr(at, chunk), used);
        pieces_consumed += used;
    }
    require(pieces.status() == status);
    require(pieces_consumed == whole_consumed);
    require(pieces.error_status() == whole.error_status());

    // After the end, the parser consumes nothing and keeps its answer.
    if (status != sse::HttpRequestParser::Status::kIncomplete) {
        std::size_t again = 1;
        require(whole.feed("GET / HTTP/1.1\r\n", again) == status && again == 0);
    }

    switch (status) {
        case sse::HttpRequestParser::Status::kIncomplete:
            require(whole_consumed == head.size());
            break;
        case sse::HttpRequestParser::Status::kError:
            require(whole.error_status() == 400 || whole.error_status() == 414 ||
                    whole.error_status() == 431 || whole.error_status() == 505);
            break;
        case sse::HttpRequestParser::Status::kComplete:
            require(head.substr(0, whole_consumed).ends_with("\r\n\r\n"));
            require(pieces.request().headers == whole.request().headers);
            require(pieces.request().target == whole.request().target);
            check_request(whole.request());
            check_stream_request(whole.request());
            break;
    }
    return 0;
}
