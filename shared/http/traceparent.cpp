// traceparent parsing; see traceparent.hpp.
#include "http/traceparent.hpp"

namespace http {
namespace {

bool lower_hex(std::string_view s) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

bool all_zero(std::string_view s) {
    return s.find_first_not_of('0') == std::string_view::npos;
}

}  // namespace

std::optional<TraceParent> parse_traceparent(std::string_view h) {
    // version "00" is exactly 55 characters; later versions may append
    // "-…" fields, which a version-00 parser must ignore.
    if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') {
        return std::nullopt;
    }
    const std::string_view version = h.substr(0, 2);
    const std::string_view trace = h.substr(3, 32);
    const std::string_view parent = h.substr(36, 16);
    const std::string_view flags = h.substr(53, 2);
    if (!lower_hex(version) || version == "ff" || !lower_hex(trace) || !lower_hex(parent) ||
        !lower_hex(flags) || all_zero(trace) || all_zero(parent)) {
        return std::nullopt;
    }
    if (version == "00" && h.size() != 55) {
        return std::nullopt;
    }
    if (version != "00" && h.size() > 55 && h[55] != '-') {
        return std::nullopt;
    }
    const int flag_bits = std::stoi(std::string(flags), nullptr, 16);
    return TraceParent{std::string(trace), std::string(parent), (flag_bits & 1) != 0};
}

}  // namespace http
