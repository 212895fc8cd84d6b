// ETag and If-Match / If-None-Match parsing; see preconditions.hpp.
#include "common/preconditions.hpp"

#include <sodium.h>

#include <charconv>

namespace tournament {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::optional<std::int64_t> version_of(std::string_view s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v < 0) {
        return std::nullopt;
    }
    return v;
}

// The version inside one entity tag: "N" (or W/"N" when weak is allowed).
std::optional<std::int64_t> tag_version(std::string_view tag, bool allow_weak) {
    tag = trim(tag);
    if (allow_weak && tag.starts_with("W/")) {
        tag.remove_prefix(2);
    }
    if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"') {
        return std::nullopt;
    }
    return version_of(tag.substr(1, tag.size() - 2));
}

// True when `match` holds for an item of the comma-separated list `header`.
template <class Match>
bool any_listed(std::optional<std::string_view> header, Match match) {
    if (!header) {
        return false;
    }
    std::string_view rest = *header;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (match(item)) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string etag_of(std::int64_t version) {
    return "\"" + std::to_string(version) + "\"";
}

IfMatch parse_if_match(std::optional<std::string_view> header) {
    IfMatch out;
    if (!header) {
        return out;
    }
    const std::string_view value = trim(*header);
    if (value == "*") {
        out.kind = IfMatch::Kind::kAny;
        return out;
    }
    auto v = tag_version(value, false);
    if (!v) {
        v = version_of(value);
    }
    out.kind = v ? IfMatch::Kind::kVersion : IfMatch::Kind::kInvalid;
    out.version = v.value_or(0);
    return out;
}

bool if_none_match_hits(std::optional<std::string_view> header, std::int64_t version) {
    return any_listed(header, [&](std::string_view item) {
        return item == "*" || tag_version(item, true) == version;
    });
}

std::string content_etag(std::string_view prefix, std::string_view content) {
    unsigned char hash[16];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(content.data()),
                       content.size(), nullptr, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return "\"" + std::string(prefix) + "-" + hex + "\"";
}

bool if_none_match_lists(std::optional<std::string_view> header, std::string_view etag) {
    return any_listed(header, [&](std::string_view item) {
        if (item.starts_with("W/")) {
            item.remove_prefix(2);
        }
        return item == "*" || item == etag;
    });
}

}  // namespace tournament
