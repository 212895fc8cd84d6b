// The topic grammar; see topic.hpp.
#include "stream/topic.hpp"

namespace stream {

std::optional<std::int64_t> parse_id(std::string_view text) noexcept {
    if (text.empty() || text.size() > 19 || (text.size() > 1 && text.front() == '0')) {
        return std::nullopt;
    }
    std::int64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        const int d = c - '0';
        if (v > (INT64_MAX - d) / 10) {
            return std::nullopt;
        }
        v = v * 10 + d;
    }
    return v;
}

std::optional<std::int64_t> event_topic_id(std::string_view text) noexcept {
    if (!text.starts_with(kEventTopicPrefix)) {
        return std::nullopt;
    }
    auto id = parse_id(text.substr(kEventTopicPrefix.size()));
    if (!id || *id == 0) {
        return std::nullopt;
    }
    return id;
}

std::optional<Topic> parse_topic(std::string_view text) noexcept {
    if (text == kAdminTopic) {
        return Topic{Topic::Kind::kAdmin, 0};
    }
    if (auto id = event_topic_id(text)) {
        return Topic{Topic::Kind::kEvent, *id};
    }
    return std::nullopt;
}

std::string event_topic(std::int64_t event_id) {
    return std::string(kEventTopicPrefix) + std::to_string(event_id);
}

}  // namespace stream
