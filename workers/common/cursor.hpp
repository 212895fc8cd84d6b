// Opaque keyset cursors of the tournament lists. A cursor is base64url of
// "<list>|<key>|<id>": the sort key and id of the last row of a page, so the
// next page starts strictly after it and stays stable while rows are
// inserted. The list tag keeps a cursor of one list from being used on another.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tournament {

struct Cursor {
    std::string key;  // the sort key as text (a date, an instant, or empty)
    std::int64_t id = 0;
};

[[nodiscard]] std::string encode_cursor(std::string_view list, std::string_view key,
                                        std::int64_t id);

// nullopt unless `text` is a cursor of `list` with a positive id; the caller
// checks the key's form.
[[nodiscard]] std::optional<Cursor> decode_cursor(std::string_view list, std::string_view text);

// The refusal of a cursor the list did not return: invalid_fields naming the
// `cursor` parameter. For a list that also checks the key's form.
[[noreturn]] void refuse_cursor();

// The cursor a client sent back for `list`: an empty Cursor (id 0) when it
// sent none; refuse_cursor() when it is not one.
[[nodiscard]] Cursor client_cursor(std::string_view list, const std::optional<std::string>& text);

}  // namespace tournament
