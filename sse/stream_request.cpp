// Reading a stream request; see stream_request.hpp.
#include "stream_request.hpp"

#include <algorithm>
#include <map>

#include "http/message.hpp"

namespace sse {
namespace {

constexpr std::string_view kEventsPrefix = "/api/v1/events/";
constexpr std::string_view kStreamSuffix = "/stream";
constexpr std::string_view kMultiPath = "/api/v1/stream";
constexpr std::string_view kAdminPath = "/api/v1/admin/stream";

Refusal refuse(int status, std::string detail) {
    return Refusal{status, std::move(detail), {}};
}

// The parameters this route reads; a repeated one is an error (which copy counts?).
std::variant<std::map<std::string, std::string>, Refusal> read_query(std::string_view query) {
    std::map<std::string, std::string> out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        const auto key = http::percent_decode(pair.substr(0, eq));
        const auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                        : http::percent_decode(pair.substr(eq + 1));
        if (!key || !value) {
            return refuse(400, "the query string has a malformed percent-escape");
        }
        if (*key != "topics" && *key != "last_event_id" && *key != "ticket") {
            continue;
        }
        if (!out.emplace(*key, *value).second) {
            return refuse(400, "the query parameter '" + *key + "' is given more than once");
        }
    }
    return out;
}

std::variant<std::vector<std::string>, Refusal> read_topics(std::string_view list,
                                                            std::size_t max_topics) {
    std::vector<std::string> topics;
    while (true) {
        const auto comma = list.find(',');
        const std::string_view topic = list.substr(0, comma);
        if (!stream::event_topic_id(topic)) {
            return refuse(400, "topics must be a comma-separated list of event:{id}");
        }
        if (std::find(topics.begin(), topics.end(), topic) == topics.end()) {
            topics.emplace_back(topic);
        }
        if (topics.size() > max_topics) {
            return refuse(400, "at most " + std::to_string(max_topics) + " topics per stream");
        }
        if (comma == std::string_view::npos) {
            break;
        }
        list = list.substr(comma + 1);
    }
    return topics;
}

}  // namespace

std::variant<StreamRequest, Refusal> parse_stream_request(const HttpRequest& req,
                                                          std::size_t max_topics) {
    const std::string_view path = req.path;
    StreamRequest out;
    enum class Route { kNone, kEvent, kMulti, kAdmin } route = Route::kNone;
    if (path == kMultiPath) {
        route = Route::kMulti;
    } else if (path == kAdminPath) {
        route = Route::kAdmin;
    } else if (path.starts_with(kEventsPrefix) && path.ends_with(kStreamSuffix) &&
               path.size() > kEventsPrefix.size() + kStreamSuffix.size()) {
        const std::string_view id = path.substr(
            kEventsPrefix.size(), path.size() - kEventsPrefix.size() - kStreamSuffix.size());
        const auto event_id = stream::parse_id(id);
        if (!event_id || *event_id == 0) {
            return refuse(404, "no stream at this path");
        }
        out.topics.push_back(stream::event_topic(*event_id));
        route = Route::kEvent;
    }
    if (route == Route::kNone) {
        return refuse(404, "no stream at this path");
    }
    if (req.method != "GET") {
        Refusal r = refuse(405, "streams are read with GET");
        r.headers.emplace_back("Allow", "GET");
        return r;
    }
    if (req.content_length > 0) {
        return refuse(400, "a stream request has no body");
    }
    auto query = read_query(req.query);
    if (auto* r = std::get_if<Refusal>(&query)) {
        return std::move(*r);
    }
    auto& params = std::get<std::map<std::string, std::string>>(query);
    if (route == Route::kMulti) {
        auto it = params.find("topics");
        if (it == params.end() || it->second.empty()) {
            return refuse(400, "topics is required: ?topics=event:1,event:2");
        }
        auto topics = read_topics(it->second, max_topics);
        if (auto* r = std::get_if<Refusal>(&topics)) {
            return std::move(*r);
        }
        out.topics = std::move(std::get<std::vector<std::string>>(topics));
    } else if (params.count("topics")) {
        return refuse(400, "topics is only accepted on /api/v1/stream");
    }
    if (route == Route::kAdmin) {
        out.topics.emplace_back(stream::kAdminTopic);
    }
    // The header (sent by an EventSource when it reconnects) wins over the parameter.
    if (req.header_count("last-event-id") > 1) {
        return refuse(400, "Last-Event-ID is given more than once");
    }
    std::optional<std::string_view> resume = req.header("last-event-id");
    if (!resume || resume->empty()) {
        auto it = params.find("last_event_id");
        resume = it == params.end() ? std::nullopt : std::optional<std::string_view>(it->second);
    }
    if (resume && !resume->empty()) {
        out.last_event_id = stream::parse_id(*resume);
        if (!out.last_event_id) {
            return refuse(400, "Last-Event-ID must be a message id (a non-negative integer)");
        }
    }
    if (auto it = params.find("ticket"); it != params.end() && !it->second.empty()) {
        out.ticket = it->second;
    }
    return out;
}

}  // namespace sse
