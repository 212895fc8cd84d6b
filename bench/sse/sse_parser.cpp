// Field handling of SseParser and message-key extraction; see sse_parser.hpp.
#include "sse_parser.hpp"

#include <charconv>

namespace bench_sse {

void SseParser::field(std::string_view text) {
    const std::size_t colon = text.find(':');
    const std::string_view name = text.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    if (name == "data") {
        if (has_data_) {
            data_ += '\n';
        }
        data_.append(value);
        has_data_ = true;
    } else if (name == "event") {
        type_.assign(value);
    } else if (name == "retry") {
        saw_retry_ = true;
    }
    // "id" is not needed: the key comes from the payload.
}

namespace {

std::optional<std::uint64_t> number_after(std::string_view data, std::string_view name) {
    const std::size_t at = data.find(name);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const char* p = data.data() + at + name.size();
    const char* end = data.data() + data.size();
    while (p < end && *p == ' ') {
        ++p;
    }
    std::uint64_t v = 0;
    const auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || next == p) {
        return std::nullopt;
    }
    return v;
}

}  // namespace

std::optional<std::uint64_t> message_key(std::string_view data) {
    const auto id = number_after(data, "\"id\":");
    const auto version = number_after(data, "\"version\":");
    if (!id || !version) {
        return std::nullopt;
    }
    return make_key(*id, *version);
}

}  // namespace bench_sse
