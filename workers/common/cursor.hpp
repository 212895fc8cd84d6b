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

// The cursor a client sent back for `list`: an empty Cursor (id 0) when it
// sent none. A cursor it did not return, or one whose key `key_ok` (the form
// of the list's sort key; nullptr: any) refuses, is an invalid_fields refusal
// naming the `cursor` parameter.
[[nodiscard]] Cursor client_cursor(std::string_view list, const std::optional<std::string>& text,
                                   bool (*key_ok)(std::string_view) = nullptr);

}  // namespace tournament
