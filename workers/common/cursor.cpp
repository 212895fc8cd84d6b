// Keyset cursors; see cursor.hpp.
#include "common/cursor.hpp"

#include <charconv>

#include "auth/base64url.hpp"
#include "domain/refusal.hpp"

namespace tournament {
namespace {

[[noreturn]] void refuse_cursor() {
    throw domain::Refusal::invalid_fields("the query has invalid parameters",
                                          {{"cursor", "is not a cursor this list returned"}});
}

}  // namespace

std::string encode_cursor(std::string_view list, std::string_view key, std::int64_t id) {
    std::string text(list);
    text += '|';
    text += key;
    text += '|';
    text += std::to_string(id);
    return auth::base64url_encode(text);
}

std::optional<Cursor> decode_cursor(std::string_view list, std::string_view text) {
    if (text.empty() || text.size() > 200) {
        return std::nullopt;
    }
    const auto raw = auth::base64url_decode(text);
    if (!raw) {
        return std::nullopt;
    }
    const std::string_view s(*raw);
    const auto first = s.find('|');
    const auto last = s.rfind('|');
    if (first == std::string_view::npos || first == last || s.substr(0, first) != list) {
        return std::nullopt;
    }
    Cursor c;
    c.key = std::string(s.substr(first + 1, last - first - 1));
    const std::string_view id = s.substr(last + 1);
    auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), c.id);
    if (ec != std::errc{} || p != id.data() + id.size() || c.id < 1) {
        return std::nullopt;
    }
    return c;
}

Cursor client_cursor(std::string_view list, const std::optional<std::string>& text,
                     bool (*key_ok)(std::string_view)) {
    if (!text) {
        return {};
    }
    auto c = decode_cursor(list, *text);
    if (!c || (key_ok && !key_ok(c->key))) {
        refuse_cursor();
    }
    return *c;
}

}  // namespace tournament
